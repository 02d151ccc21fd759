import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { api, dropTableProposal, manualClock, startTestServer, type TestServer } from '../support/harness.js';
import { runCli } from '../support/run-cli.js';
import { startWebhookReceiver } from '../support/webhook-receiver.js';

describe('notifications and the expiry review from the CLI', () => {
  const clock = manualClock(Date.now());
  let t: TestServer;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let auditor: string;
  let expiredId: string;

  beforeAll(async () => {
    receiver = await startWebhookReceiver((r) => (r.path === '/down' ? 404 : 200));
    t = await startTestServer({
      clock,
      env: { HOOK_KEY: 'k' },
      policy: `sweep_interval: 50ms
notifications:
  webhooks:
    - { name: team, format: json, url: "${receiver.url}/team", secret_env: HOOK_KEY }
    - { name: pager, format: slack, url: "${receiver.url}/down", events: [proposal.expired] }
`,
    });
    auditor = await t.addIdentity('ada', 'human', ['auditor']);
    const agent = api(t.url, await t.addIdentity('agent-7', 'agent', ['proposer']));
    expiredId = (await agent.propose(dropTableProposal())).body.id;
    clock.advance(31 * 60_000);
    // Until the expiry's deliveries have all been tried (the refused one is not retried).
    const tried = async () => {
      const { items } = (await api(t.url, auditor).get('/v1/notifications/deliveries')).body;
      return items.length === 3 && items.every((d: { status: string }) => d.status !== 'pending');
    };
    await vi.waitFor(async () => expect(await tried()).toBe(true), { timeout: 20_000, interval: 50 });
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  const asAuditor = (args: string[]) => runCli(args, { COUNTERSIGN_URL: t.url, COUNTERSIGN_TOKEN: auditor });

  it('lists deliveries, filtered, as text and as JSON', async () => {
    const failed = await asAuditor(['notifications', '--status', 'failed']);
    expect(failed.code).toBe(0);
    expect(failed.stdout.trim().split('\n')).toHaveLength(1);
    expect(failed.stdout).toMatch(/pager\s+proposal\.expired\s+FAILED \(1 attempt\)\s+HTTP 404 \(not retried: the receiver refused it\)/);
    const json = JSON.parse((await asAuditor(['notifications', '--proposal', expiredId, '--json'])).stdout);
    expect(json.items.map((d: { webhook: string; event_type: string }) => `${d.webhook} ${d.event_type}`).sort()).toEqual([
      'pager proposal.expired', 'team proposal.created', 'team proposal.expired',
    ]);
    const bad = await asAuditor(['notifications', '--limit', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('countersign: 400 limit: must be a whole number from 1 to 1000');
  });

  it('prints the expiry review with its groups', async () => {
    const r = await asAuditor(['expired']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1 expired proposal (never retried)');
    expect(r.stdout).toMatch(/1 {2}unseen: no approver opened it/);
    expect(r.stdout).toContain(`${expiredId}  unseen  waited 31 min  0/2 approvals  opened by nobody  notified:`);
    expect(r.stdout).toContain('pager expired failed');
  });

  it('refuses to start a server whose webhook key is not in the environment, in one line', async () => {
    const policy = join(t.dbFile, '..', 'hooks.yaml');
    writeFileSync(policy, 'notifications:\n  webhooks:\n    - { name: siem, format: json, url: "https://siem.example", secret_env: SIEM_KEY }\n');
    const r = await runCli(['serve', '--db', join(t.dbFile, '..', 'other.db'), '--port', '0', '--policy', policy], { SIEM_KEY: '' });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('countersign: invalid policy notifications.webhooks.0.secret_env: the environment variable SIEM_KEY is not set; set it before starting the server');
  });
});
