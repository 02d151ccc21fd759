import { afterEach, describe, expect, it } from 'vitest';
import { parsePolicy, PolicyError } from '../../src/policy/policy-config.js';
import { serve } from '../../src/server/serve.js';
import { createWebhookVerifier, signWebhook, WEBHOOK_HEADERS } from '../../src/sdk/index.js';
import { join } from 'node:path';
import { addIdentity } from '../support/identities.js';
import { api, dropTableProposal, manualClock, readOnlyProposal, startTestServer, tempDir, type TestServer } from '../support/harness.js';
import { inLogOrder, type ReceivedRequest, startWebhookReceiver } from '../support/webhook-receiver.js';

const SECRET = 'test-signing-key-0123456789';

function policyFor(receiverUrl: string, extra = '') {
  return `
notifications:
  public_url: https://countersign.example.com
  retry: { attempts: 4, first_delay: 100ms, max_delay: 2s }
  webhooks:
    - { name: ops-slack, format: slack, url: "${receiverUrl}/slack" }
    - { name: siem, format: json, url: "${receiverUrl}/json", secret_env: SIEM_SECRET }
${extra}`;
}

let cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function setUp(respond?: Parameters<typeof startWebhookReceiver>[0], options: { policy?: (url: string) => string; clock?: () => number } = {}) {
  const receiver = await startWebhookReceiver(respond);
  cleanup.push(() => receiver.close());
  const t: TestServer = await startTestServer({ policy: (options.policy ?? policyFor)(receiver.url), env: { SIEM_SECRET: SECRET }, clock: options.clock });
  cleanup.push(() => t.close());
  const agent = api(t.url, await t.addIdentity('agent-7', 'agent', ['proposer'], undefined));
  const alice = api(t.url, await t.addIdentity('alice', 'human', ['approver']));
  const bob = api(t.url, await t.addIdentity('bob', 'human', ['approver']));
  const auditor = api(t.url, await t.addIdentity('ada', 'human', ['auditor']));
  return { receiver, t, agent, alice, bob, auditor };
}

/** The event types of the requests, in the log's order whatever order they arrived in. */
const types = (requests: ReceivedRequest[]) => inLogOrder(requests).map((r) => JSON.parse(r.body).type);

describe('webhook notifications', () => {
  it('tells both webhooks about a new proposal, each approval and the result; the JSON one is signed', async () => {
    const { receiver, agent, alice, bob, auditor } = await setUp();
    await agent.propose(readOnlyProposal()); // approved by policy at once: nobody needs telling
    const { body: p } = await agent.propose(dropTableProposal());
    await alice.approve(p.id, 'checked the migration and the backup');
    await bob.approve(p.id, 'backup restored in staging');

    await expect.poll(() => types(receiver.at('/json')), { timeout: 5000 }).toEqual(['proposal.created', 'approval.recorded', 'approval.recorded', 'proposal.approved']);
    await expect.poll(() => receiver.at('/slack').length, { timeout: 5000 }).toBe(4);

    const [created, first] = inLogOrder(receiver.at('/json')).map((r) => ({ ...r, json: JSON.parse(r.body) }));
    expect(created!.json).toMatchObject({
      type: 'proposal.created',
      proposal: { id: p.id, what: 'Drop the legacy users table', proposer: 'agent-7', risk: expect.arrayContaining(['irreversible']), required_approvals: 2 },
      url: `https://countersign.example.com/proposals/${p.id}`,
    });
    expect(first!.json.decision).toEqual({ identity: 'alice', verdict: 'approve', reason: 'checked the migration and the backup' });
    expect(created!.json.id).toMatch(/^seq-\d+$/);
    expect(created!.json).not.toHaveProperty('key');
    // The proposal as of sending: approvals may already have arrived.
    expect(created!.json.summary).toMatch(/^Approval needed: Drop the legacy users table \([0-2] of 2 approvals, proposed by agent-7\)$/);

    const verifier = createWebhookVerifier({ secret: SECRET });
    for (const r of receiver.at('/json')) expect(verifier.verify(r.headers, r.body)).toMatchObject({ ok: true, duplicate: false });
    // The Slack webhook has no key configured: nothing to sign with.
    const slack = inLogOrder(receiver.at('/slack'));
    expect(slack.every((r) => r.headers[WEBHOOK_HEADERS.signature] === undefined)).toBe(true);
    expect(JSON.parse(slack[0]!.body).text).toContain('Approval needed: Drop the legacy users table');

    // Results are recorded in batches, just after the receiver answered.
    const results = async () => (await auditor.get(`/v1/notifications/deliveries?proposal_id=${p.id}`)).body.items.map((d: { status: string; attempts: number }) => `${d.status}/${d.attempts}`);
    await expect.poll(results, { timeout: 5000 }).toEqual(Array(8).fill('delivered/1'));
  });

  it('refuses a signed request replayed, altered, re-timed or signed with another key', async () => {
    const { receiver, agent } = await setUp();
    await agent.propose(dropTableProposal());
    await expect.poll(() => receiver.at('/json').length, { timeout: 5000 }).toBe(1);
    const { headers, body } = receiver.at('/json')[0]!;
    const verifier = createWebhookVerifier({ secret: SECRET });
    expect(verifier.verify(headers, body)).toMatchObject({ ok: true, duplicate: false });
    expect(verifier.verify(headers, body)).toMatchObject({ ok: true, duplicate: true });
    expect(verifier.verify(headers, body.replace('DROP TABLE', 'DROP TABLF'))).toEqual({ ok: false, problem: 'signature does not match' });
    expect(createWebhookVerifier({ secret: 'another key' }).verify(headers, body)).toEqual({ ok: false, problem: 'signature does not match' });
    const later = createWebhookVerifier({ secret: SECRET, now: () => Date.now() + 301_000 });
    expect(later.verify(headers, body)).toEqual({ ok: false, problem: 'timestamp outside the 300 s window' });
    // Moving the timestamp forward without the key breaks the signature.
    const restamped = { ...headers, [WEBHOOK_HEADERS.timestamp]: String(Number(headers[WEBHOOK_HEADERS.timestamp]) + 60) };
    expect(createWebhookVerifier({ secret: SECRET }).verify(restamped, body)).toEqual({ ok: false, problem: 'signature does not match' });
    // The delivery id is signed too: the body cannot be replayed under a fresh id.
    const relabelled = { ...headers, [WEBHOOK_HEADERS.delivery]: 'siem/seq-999999' };
    expect(createWebhookVerifier({ secret: SECRET }).verify(relabelled, body)).toEqual({ ok: false, problem: 'signature does not match' });
    expect(createWebhookVerifier({ secret: SECRET }).verify({ ...headers, [WEBHOOK_HEADERS.signature]: undefined }, body)).toEqual({ ok: false, problem: 'missing signature headers' });
    expect(signWebhook(SECRET, 1, 'd', 'b')).toMatch(/^v1=[0-9a-f]{64}$/);
  });

  it('sends proposal text to Slack as text: no mentions, no links smuggled in', async () => {
    const { receiver, agent } = await setUp();
    await agent.propose(dropTableProposal({ what: 'Drop <!channel> & <https://evil.example|click here>', why: '<@U123> please' }));
    await expect.poll(() => receiver.at('/slack').length, { timeout: 5000 }).toBe(1);
    const message = JSON.parse(receiver.at('/slack')[0]!.body);
    const all = JSON.stringify(message);
    expect(all).not.toContain('<!channel>');
    expect(all).not.toContain('<https://evil.example');
    expect(all).not.toContain('<@U123>');
    expect(message.blocks[0].text.text).toContain('Drop &lt;!channel&gt; &amp; &lt;https://evil.example|click here&gt;');
    expect(message.blocks[0].text.text).toMatch(/<https:\/\/countersign\.example\.com\/proposals\/[0-9a-f-]+\|Open in Countersign>$/);
  });

  it('retries a failing receiver with growing delays, gives up on a refusal, and shows every result', async () => {
    // The JSON receiver fails twice then accepts; the Slack one answers 404 (a wrong URL: retrying cannot help).
    let jsonCalls = 0;
    const { receiver, agent, auditor } = await setUp((r) => (r.path === '/slack' ? 404 : ++jsonCalls <= 2 ? 503 : 200));
    const { body: p } = await agent.propose(dropTableProposal());
    await expect.poll(async () => (await auditor.get('/v1/notifications/deliveries?status=delivered')).body.items.length, { timeout: 8000 }).toBe(1);

    const [delivered] = (await auditor.get('/v1/notifications/deliveries?status=delivered')).body.items;
    expect(delivered).toMatchObject({ webhook: 'siem', event_type: 'proposal.created', proposal_id: p.id, attempts: 3, last_error: null, next_attempt_at: null });
    const [failed] = (await auditor.get('/v1/notifications/deliveries?status=failed')).body.items;
    expect(failed).toMatchObject({ webhook: 'ops-slack', attempts: 1, last_error: 'HTTP 404 (not retried: the receiver refused it)' });
    expect(receiver.at('/slack')).toHaveLength(1);

    const tries = receiver.at('/json');
    expect(tries).toHaveLength(3);
    expect(new Set(tries.map((r) => r.body)).size).toBe(1); // the same bytes every time
    expect(new Set(tries.map((r) => r.headers[WEBHOOK_HEADERS.delivery])).size).toBe(1);
    const gaps = [tries[1]!.at - tries[0]!.at, tries[2]!.at - tries[1]!.at];
    expect(gaps[0]).toBeGreaterThanOrEqual(100);
    expect(gaps[1]).toBeGreaterThanOrEqual(200);
  });

  it('gives up after the policy’s attempts and says so', async () => {
    const { receiver, agent, auditor } = await setUp((r) => (r.path === '/json' ? 500 : 200));
    await agent.propose(dropTableProposal());
    await expect.poll(async () => (await auditor.get('/v1/notifications/deliveries?status=failed')).body.items, { timeout: 10_000 })
      .toMatchObject([{ webhook: 'siem', attempts: 4, last_error: 'HTTP 500 (gave up after 4 attempts)' }]);
    expect(receiver.at('/json')).toHaveLength(4);
  });

  it('decides while a receiver hangs: notification never holds up the gate', async () => {
    const { receiver, agent, alice, bob } = await setUp(() => 'hang');
    const { body: p } = await agent.propose(dropTableProposal());
    await expect.poll(() => receiver.received.length, { timeout: 5000 }).toBe(2); // both webhooks hold the creation unanswered
    expect((await alice.approve(p.id)).status).toBe(201);
    const second = await bob.approve(p.id);
    expect(second.status).toBe(201);
    expect(second.body.status).toBe('approved');
    expect(receiver.received.every((r) => JSON.parse(r.body).type === 'proposal.created' || JSON.parse(r.body).text)).toBe(true);
  });

  it('tells the team about an expiry, and the expired report says who saw it, who was told and how long it waited', async () => {
    const clock = manualClock();
    const { receiver, agent, alice, auditor } = await setUp(undefined, { clock, policy: (url) => `${policyFor(url)}\nsweep_interval: 50ms\n` });
    const seen = (await agent.propose(dropTableProposal({ what: 'seen by alice' }))).body;
    const partly = (await agent.propose(dropTableProposal({ what: 'approved once' }))).body;
    const unseen = (await agent.propose(dropTableProposal({ what: 'nobody looked' }))).body;
    await alice.get(`/v1/proposals/${seen.id}`);
    await alice.approve(partly.id, 'fine by me');
    await expect.poll(() => receiver.at('/json').length, { timeout: 5000 }).toBe(4);

    clock.advance(31 * 60_000);
    await expect.poll(() => types(receiver.at('/json')).filter((t) => t === 'proposal.expired').length, { timeout: 5000 }).toBe(3);
    const expiredMessage = receiver.at('/json').map((r) => JSON.parse(r.body)).find((m) => m.type === 'proposal.expired' && m.proposal.id === partly.id);
    expect(expiredMessage).toMatchObject({ approvals_received: 1, proposal: { status: 'expired', approvals: 1, required_approvals: 2 } });

    const allTried = async () => (await auditor.get('/v1/notifications/deliveries')).body.items.every((d: { status: string }) => d.status === 'delivered');
    await expect.poll(allTried, { timeout: 5000 }).toBe(true);
    const report = (await auditor.get('/v1/reports/expired')).body;
    const byId = new Map(report.items.map((i: { id: string }) => [i.id, i]));
    expect(byId.get(unseen.id)).toMatchObject({ group: 'unseen', viewed_by: [], approvals_received: 0, waited_seconds: 31 * 60 });
    expect(byId.get(seen.id)).toMatchObject({ group: 'seen_not_approved', viewed_by: ['alice'] });
    expect(byId.get(partly.id)).toMatchObject({ group: 'short_of_approvals', approved_by: ['alice'] });
    expect((byId.get(unseen.id) as { notified: unknown[] }).notified).toEqual(expect.arrayContaining([
      { webhook: 'siem', event: 'proposal.created', status: 'delivered', delivered_at: expect.any(String) },
      { webhook: 'ops-slack', event: 'proposal.expired', status: 'delivered', delivered_at: expect.any(String) },
    ]));
    expect(report.groups).toEqual([
      { group: 'unseen', meaning: expect.stringContaining('no approver opened it'), count: 1 },
      { group: 'seen_not_approved', meaning: expect.stringContaining('none approved'), count: 1 },
      { group: 'short_of_approvals', meaning: expect.stringContaining('too few in time'), count: 1 },
    ]);
    // Never retried: no new proposal appeared.
    expect((await auditor.get('/v1/proposals')).body.items).toHaveLength(3);
  });

  it('sends one digest of flagged approvers per period, and only when someone is flagged', async () => {
    const clock = manualClock();
    const { receiver, t, agent, alice, bob } = await setUp(undefined, {
      clock,
      policy: (url) => `${policyFor(url)}\nrubber_stamp: { min_decisions: 2, min_median_review_seconds: 30 }\n`.replace('notifications:', 'notifications:\n  rubber_stamp_every: 1h'),
    });
    for (let i = 0; i < 2; i++) {
      const { body: p } = await agent.propose(dropTableProposal({ what: `change ${i}` }));
      await alice.approve(p.id, 'ok');
      await bob.approve(p.id, 'read the plan and the rollback');
    }
    await t.server.notificationsSettled();
    expect(types(receiver.at('/json'))).not.toContain('approvers.flagged'); // this period's digest ran at start, before anyone was flagged

    clock.advance(60 * 60_000);
    await t.server.notificationsSettled();
    await expect.poll(() => types(receiver.at('/json')).filter((x) => x === 'approvers.flagged').length, { timeout: 5000 }).toBe(1);
    const digest = receiver.at('/json').map((r) => JSON.parse(r.body)).find((m) => m.type === 'approvers.flagged');
    expect(digest.flagged.map((f: { identity: string }) => f.identity).sort()).toEqual(['alice', 'bob']);
    expect(digest.flagged.find((f: { identity: string }) => f.identity === 'alice').flags).toEqual(expect.arrayContaining(['fast_reviews', 'one_word_reasons']));
    expect(digest.url).toBe('https://countersign.example.com/reports');

    await t.server.notificationsSettled(); // same period again: nothing new
    expect(types(receiver.at('/json')).filter((x) => x === 'approvers.flagged')).toHaveLength(1);
  });
});

describe('notifying after a restart', () => {
  it('catches up on events it has not announced yet, but not on stale ones', async () => {
    const receiver = await startWebhookReceiver();
    cleanup.push(() => receiver.close());
    const clock = manualClock();
    const db = join(tempDir(), 'countersign.db');
    const start = (withHooks: boolean) =>
      serve({ store: { db }, host: '127.0.0.1', port: 0, clock, env: { SIEM_SECRET: SECRET }, say: () => {}, policy: parsePolicy(withHooks ? policyFor(receiver.url) : '{}') });
    const agentToken = await addIdentity(db, 'agent-7', 'agent', ['proposer']);
    const propose = async (server: Awaited<ReturnType<typeof start>>, what: string) => (await api(server.url, agentToken).propose(dropTableProposal({ what }))).body.id as string;
    const announced = () => inLogOrder(receiver.at('/json')).map((r) => JSON.parse(r.body).proposal.what);

    const first = await start(true);
    await propose(first, 'while notifying');
    await expect.poll(announced, { timeout: 5000 }).toEqual(['while notifying']);
    await first.close();

    // Webhooks off for a while: one event becomes stale, one is recent when they come back.
    const quiet = await start(false);
    await propose(quiet, 'two hours ago');
    clock.advance(90 * 60_000);
    await propose(quiet, 'half an hour ago');
    await quiet.close();
    clock.advance(30 * 60_000);

    const back = await start(true);
    cleanup.push(() => back.close());
    await back.notificationsSettled();
    await propose(back, 'after the restart');
    await expect.poll(announced, { timeout: 5000 }).toEqual(['while notifying', 'half an hour ago', 'after the restart']);
  });
});

describe('webhook configuration', () => {
  it('names the field to fix in a bad webhook entry', () => {
    const bad = (yaml: string) => {
      try {
        parsePolicy(yaml, 'policy.yaml');
      } catch (error) {
        expect(error).toBeInstanceOf(PolicyError);
        return (error as Error).message;
      }
      throw new Error('accepted');
    };
    expect(bad('notifications:\n  webhooks:\n    - { name: siem, format: json, url: "https://x.example" }\n')).toContain('policy.yaml:3: notifications.webhooks.0.secret_env is required for format json');
    expect(bad('notifications:\n  webhooks:\n    - { name: a, format: slack }\n')).toContain('notifications.webhooks.0.url give exactly one of url or url_env');
    expect(bad('notifications:\n  webhooks:\n    - { name: a, format: slack, url: "ftp://x" }\n')).toContain('notifications.webhooks.0.url must be an http:// or https:// URL');
    expect(bad('notifications:\n  webhooks:\n    - { name: a, format: teams, url: "https://x" }\n')).toContain('notifications.webhooks.0.format');
    expect(bad('notifications:\n  webhooks:\n    - { name: a, format: slack, url: "https://x", events: [proposal.deleted] }\n')).toContain('notifications.webhooks.0.events.0');
  });

  it('refuses to start when a webhook’s key or URL is missing from the environment', async () => {
    const policy = parsePolicy('notifications:\n  webhooks:\n    - { name: siem, format: json, url_env: SIEM_URL, secret_env: SIEM_SECRET }\n');
    const start = (env: NodeJS.ProcessEnv) => serve({ store: { db: ':memory:' }, host: '127.0.0.1', port: 0, policy, env, say: () => {} });
    await expect(start({ SIEM_SECRET: 'k' })).rejects.toThrow('notifications.webhooks.0.url_env: the environment variable SIEM_URL is not set');
    await expect(start({ SIEM_URL: 'https://siem.example' })).rejects.toThrow('notifications.webhooks.0.secret_env: the environment variable SIEM_SECRET is not set');
    await expect(start({ SIEM_URL: 'javascript:alert(1)', SIEM_SECRET: 'k' })).rejects.toThrow('SIEM_URL must hold an http:// or https:// URL');
  });

  it('lets only auditors and admins read deliveries, and names a bad query field', async () => {
    const { agent, auditor } = await setUp();
    expect((await agent.get('/v1/notifications/deliveries')).status).toBe(403);
    const bad = await auditor.get('/v1/notifications/deliveries?status=lost');
    expect(bad.status).toBe(400);
    expect(bad.contentType).toContain('application/problem+json');
    expect(bad.body.errors[0].field).toBe('status');
    expect((await auditor.get('/v1/notifications/deliveries?limit=0')).status).toBe(400);
  });
});
