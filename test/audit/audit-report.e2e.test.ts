import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, dropTableProposal, manualClock, startTestServer, type TestServer } from '../support/harness.js';
import { runCli } from '../support/run-cli.js';

let t: TestServer;
const clock = manualClock();

const run = (args: string[]) => runCli([...args, '--db', t.dbFile]);

/** A day of changes: one approved and run, one refused twice, one expired, one riskless. */
beforeAll(async () => {
  t = await startTestServer({ clock, policy: '{ "rules": [{ "name": "prod-db", "match": { "environment": "production" }, "classes": ["blast_radius"], "reason": "production database" }] }' });
  const alice = api(t.url, await t.addIdentity('alice', 'human', ['approver']));
  const bob = api(t.url, await t.addIdentity('bob', 'human', ['approver']));
  const carol = api(t.url, await t.addIdentity('carol', 'human', ['approver']));
  const agent = api(t.url, await t.addIdentity('agent-1', 'agent', ['proposer'], 'carol'));
  const run1 = (await agent.propose(dropTableProposal({ what: 'Drop <script>alert(1)</script> table' }))).body;
  await alice.approve(run1.id, 'checked the migration & backup');
  expect((await alice.approve(run1.id, 'again')).status).toBe(409);
  expect((await carol.approve(run1.id, 'my own agent')).status).toBe(409);
  await bob.approve(run1.id, 'snapshot verified');
  await agent.claim(run1.id, run1.action_hash);
  const late = (await agent.propose(dropTableProposal({ what: 'Nobody looked at this' }))).body;
  await alice.approve(late.id, 'fine by me');
  clock.advance(31 * 60_000);
  await t.server.approvals.expireOverdue();
  await t.server.close();
});
afterAll(() => t.close());

describe('audit report', () => {
  it('writes a self-contained, escaped HTML evidence pack with JSONL and CSV exports', async () => {
    const out = join(t.dbFile, '..', 'evidence');
    const policy = join(t.dbFile, '..', 'policy.json');
    writeFileSync(policy, '{ "cost_threshold_usd": 500, "rules": [{ "name": "prod-db", "match": { "environment": "production" }, "classes": ["blast_radius"], "reason": "production database" }] }');
    const result = await run(['audit', 'report', '--from', '2026-11-25', '--to', '2026-11-25', '--out', out, '--policy', policy, '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ actions: 2, refused: 2, expired: 1, verified: true });

    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).toContain('SOC 2 CC8.1');
    expect(html).toContain('A.8.32');
    expect(html).toContain('Drop &lt;script&gt;alert(1)&lt;/script&gt; table');
    expect(html).not.toMatch(/<script|<link|src=|href=|url\(/i);
    expect(html).toContain('alice: checked the migration &amp; backup');
    expect(html).toContain('above 500 USD');
    expect(html).toContain('Rule &quot;prod-db&quot;: adds blast_radius (production database)');
    expect(html).toMatch(/Intact: \d+ audit events/);
    expect(html).toContain('\u2014 countersign-');

    const actions = readFileSync(join(out, 'actions.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(actions.find((a) => a.execution === 'claimed')).toMatchObject({ proposer: 'agent-1', approvers: 'alice bob', status: 'approved' });
    const refused = readFileSync(join(out, 'refused.csv'), 'utf8');
    expect(refused.split('\n')[0]).toBe('seq,at,proposal_id,actor,attempt,code,reason');
    expect(refused).toMatch(/alice/);
    expect(refused).toMatch(/carol/);
    expect(readFileSync(join(out, 'expired.jsonl'), 'utf8')).toMatch(/"approvals_received":1,"required_approvals":2/);
    expect(readFileSync(join(out, 'expired.jsonl'), 'utf8')).toMatch(/"group":"short_of_approvals","opened_by":"nobody","notified":"no webhook"/);
    expect(readFileSync(join(out, 'checkpoint.txt'), 'utf8')).toMatch(/^countersign-/);
  });

  it('finds nothing outside the period, and refuses a bad date with exit 2', async () => {
    const out = join(t.dbFile, '..', 'empty');
    const empty = await run(['audit', 'report', '--from', '2026-10-01', '--to', '2026-10-31', '--out', out, '--json']);
    expect(JSON.parse(empty.stdout)).toMatchObject({ actions: 0, refused: 0, expired: 0 });
    const bad = await run(['audit', 'report', '--from', 'last tuesday', '--to', '2026-10-31', '--out', out]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--from must be a date/);
  });
});
