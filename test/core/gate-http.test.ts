import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, dropTableProposal, manualClock, readOnlyProposal, startTestServer, type TestServer } from '../support/harness.js';

let t: TestServer;
const clock = manualClock();
const tokens: Record<string, string> = {};
const as = (name: string) => api(t.url, tokens[name]);

beforeAll(async () => {
  // The sweeper is kept out of the way: expiry here is driven by the clock and by explicit sweeps.
  t = await startTestServer({ clock, policy: 'sweep_interval: 24h' });
  tokens.bob = await t.addIdentity('bob', 'human', ['approver', 'proposer']);
  tokens.bobAlias = await t.addIdentity('bob-oncall', 'human', ['approver'], 'bob');
  tokens.agent = await t.addIdentity('agent-7', 'agent', ['proposer'], 'bob');
  tokens.alice = await t.addIdentity('alice', 'human', ['approver']);
  tokens.carol = await t.addIdentity('carol', 'human', ['approver']);
  tokens.dave = await t.addIdentity('dave', 'human', ['approver']);
  tokens.proposerOnly = await t.addIdentity('pat', 'human', ['proposer']);
  tokens.auditor = await t.addIdentity('audrey', 'human', ['auditor']);
  tokens.executor = await t.addIdentity('runner', 'agent', ['executor']);
});
afterAll(() => t.close());

async function proposeDrop() {
  const res = await as('agent').propose(dropTableProposal());
  expect(res.status).toBe(201);
  return res.body;
}

/** The audit events of one proposal, read straight from the database file. */
function auditRows(proposalId: string) {
  const db = new Database(t.dbFile, { readonly: true });
  try {
    return db.prepare('SELECT type, actor, reason, data FROM audit_events WHERE proposal_id = ? ORDER BY seq').all(proposalId) as {
      type: string;
      actor: string;
      reason: string | null;
      data: string;
    }[];
  } finally {
    db.close();
  }
}

describe('proposing', () => {
  it('classifies a DROP TABLE as irreversible and asks for two approvals', async () => {
    const p = await proposeDrop();
    expect(p.status).toBe('pending');
    expect(p.required_approvals).toBe(2);
    expect(p.risk.classes).toContain('irreversible');
    expect(p.action_hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(p.proposer).toBe('agent-7');
    expect(p.execution).toEqual({ state: 'not_started' });
    expect(Date.parse(p.expires_at) - Date.parse(p.created_at)).toBe(30 * 60_000);
    expect(auditRows(p.id).map((e) => e.type)).toEqual(['proposal.created']);
  });

  it('flags a DROP TABLE declared reversible as a declared mismatch and keeps it irreversible', async () => {
    const res = await as('agent').propose(dropTableProposal({ reversibility: { reversible: true }, blast_radius: { resources: ['app.users'] } }));
    expect(res.body.risk.classes).toEqual(['irreversible']);
    expect(res.body.risk.declared_mismatch).toBe(true);
    expect(res.body.required_approvals).toBe(2);
  });

  it('approves a riskless action by policy at once and audits the rule', async () => {
    const res = await as('agent').propose(readOnlyProposal());
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('approved');
    expect(res.body.required_approvals).toBe(0);
    expect(auditRows(res.body.id).map((e) => e.type)).toEqual(['proposal.created', 'proposal.approved_by_policy']);
  });

  it('refuses a bad proposal with problem+json naming each field, and stores nothing', async () => {
    const before = (await as('alice').get('/v1/proposals')).body.items.length;
    const res = await as('agent').propose({ ...dropTableProposal(), urgency: 'whenever', what: '', surprise: true, action: { type: 'sql' } });
    expect(res.status).toBe(400);
    expect(res.contentType).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 400, title: 'Invalid input' });
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['urgency', 'what', 'surprise', 'action']));
    expect((await as('alice').get('/v1/proposals')).body.items.length).toBe(before);
  });

  it.each([
    ['not JSON', '{"action":', 400],
    ['a JSON array', '[]', 400],
    ['null', 'null', 400],
    ['a prototype-poisoning key', '{"__proto__":{"x":1}}', 400],
  ])('answers %s with a 4xx problem, never a 500', async (_name, body, status) => {
    const res = await as('agent').call('POST', '/v1/proposals', body);
    expect(res.status).toBe(status);
    expect(res.contentType).toMatch(/^application\/problem\+json/);
  });

  it('proposes once per Idempotency-Key: a resend gets the same proposal, a different body under the key is refused', async () => {
    const key = { 'idempotency-key': 'deploy-42-attempt' };
    const send = (who: string, body: unknown) => fetch(`${t.url}/v1/proposals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': 'application/json', ...key },
      body: JSON.stringify(body),
    });
    const first = await send('agent', dropTableProposal());
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const created = await first.json();
    const again = await send('agent', dropTableProposal());
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await again.json()).id).toBe(created.id);
    expect(auditRows(created.id).map((r) => r.type)).toEqual(['proposal.created']);

    const changed = await send('agent', dropTableProposal({ what: 'Something else entirely' }));
    expect(changed.status).toBe(409);
    expect(await changed.json()).toMatchObject({ code: 'idempotency_key_reused', detail: expect.stringContaining(created.id) });
    // Keys are per proposer: another proposer's same key is a new proposal.
    const other = await send('proposerOnly', dropTableProposal());
    expect(other.status).toBe(201);
    expect((await other.json()).id).not.toBe(created.id);

    const bad = await as('agent').call('POST', '/v1/proposals', dropTableProposal(), { 'idempotency-key': 'has spaces in it' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ field: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters, such as a UUID' }]);
  });

  it('refuses proposals from an identity without the proposer role', async () => {
    const res = await as('alice').propose(dropTableProposal());
    expect(res.status).toBe(403);
  });

  it('refuses every route without a valid token', async () => {
    for (const token of [undefined, 'nonsense', `${tokens.alice!.slice(0, -1)}x`]) {
      const res = await api(t.url, token).get('/v1/proposals');
      expect(res.status).toBe(401);
      expect(res.contentType).toMatch(/^application\/problem\+json/);
    }
  });
});

describe('deciding', () => {
  it('refuses self-approval by the proposer', async () => {
    const bobsOwn = await as('bob').propose(dropTableProposal());
    const res = await as('bob').approve(bobsOwn.body.id);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('own_proposal');
  });

  it("refuses an approval from the proposer's owner, and from the owner's alias", async () => {
    const p = await proposeDrop();
    const owner = await as('bob').approve(p.id);
    expect(owner.status).toBe(409);
    expect(owner.body.code).toBe('proposer_principal');
    const alias = await as('bobAlias').approve(p.id);
    expect(alias.status).toBe(409);
    expect(alias.body.code).toBe('proposer_principal');
    const refused = auditRows(p.id).filter((e) => e.type === 'attempt.refused');
    expect(refused.map((e) => e.actor)).toEqual(['bob', 'bob-oncall']);
  });

  it('refuses a second approval from the same principal', async () => {
    const p = await proposeDrop();
    expect((await as('alice').approve(p.id)).status).toBe(201);
    const again = await as('alice').approve(p.id, 'really sure');
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('same_principal');
    const current = await as('alice').get(`/v1/proposals/${p.id}`);
    expect(current.body.approvals).toHaveLength(1);
    expect(current.body.status).toBe('pending');
  });

  it('refuses an approval without a reason, and a blank one', async () => {
    const p = await proposeDrop();
    for (const body of [{}, { reason: '' }, { reason: '   ' }]) {
      const res = await as('alice').call('POST', `/v1/proposals/${p.id}/approvals`, body);
      expect(res.status).toBe(400);
      expect(res.body.errors[0].field).toBe('reason');
    }
    expect((await as('alice').get(`/v1/proposals/${p.id}`)).body.approvals).toHaveLength(0);
  });

  it('refuses a bundle: a decision body with a list of proposal ids changes nothing', async () => {
    const a = await proposeDrop();
    const b = await proposeDrop();
    const res = await as('alice').call('POST', `/v1/proposals/${a.id}/approvals`, { reason: 'all fine', proposal_ids: [a.id, b.id] });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('proposal_ids');
    for (const id of [a.id, b.id]) expect((await as('alice').get(`/v1/proposals/${id}`)).body.approvals).toHaveLength(0);
  });

  it('refuses approvals from an identity without the approver role', async () => {
    const p = await proposeDrop();
    const res = await as('proposerOnly').approve(p.id);
    expect(res.status).toBe(403);
  });

  it('approves once two distinct principals approve, with their reasons', async () => {
    const p = await proposeDrop();
    const first = await as('alice').approve(p.id, 'snapshot verified');
    expect(first.body.status).toBe('pending');
    const second = await as('carol').approve(p.id, 'table unused since 42');
    expect(second.status).toBe(201);
    expect(second.body.status).toBe('approved');
    expect(second.body.approvals.map((a: { identity: string; reason: string }) => [a.identity, a.reason])).toEqual([
      ['alice', 'snapshot verified'],
      ['carol', 'table unused since 42'],
    ]);
    expect(second.body.decided_at).not.toBeNull();
    expect(auditRows(p.id).map((e) => e.type)).toEqual(['proposal.created', 'approval.recorded', 'approval.recorded', 'proposal.approved']);
  });

  it('rejects on one rejection and refuses an approval after it', async () => {
    const p = await proposeDrop();
    await as('alice').approve(p.id);
    const rejected = await as('carol').reject(p.id, 'no backup of the last hour');
    expect(rejected.status).toBe(201);
    expect(rejected.body.status).toBe('rejected');
    expect(rejected.body.rejection).toMatchObject({ identity: 'carol', reason: 'no backup of the last hour' });
    const late = await as('dave').approve(p.id);
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('not_pending');
  });

  it('refuses an approval after expires_at even before the sweeper runs, and audits it', async () => {
    const p = await proposeDrop();
    await as('alice').approve(p.id);
    clock.advance(30 * 60_000);
    const res = await as('carol').approve(p.id);
    clock.advance(-30 * 60_000);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('expired');
    const current = (await as('alice').get(`/v1/proposals/${p.id}`)).body;
    expect(current.status).toBe('expired');
    expect(current.approvals).toHaveLength(1);
    expect(auditRows(p.id).map((e) => e.type).slice(-2)).toEqual(['attempt.refused', 'proposal.expired']);
  });

  it('answers 404 for an unknown proposal before looking at the body', async () => {
    const res = await as('alice').call('POST', '/v1/proposals/nope/approvals', { bogus: 1 });
    expect(res.status).toBe(404);
  });
});

describe('executing', () => {
  async function approved() {
    const p = await proposeDrop();
    await as('alice').approve(p.id);
    return (await as('carol').approve(p.id)).body;
  }

  it('refuses a claim before approval', async () => {
    const p = await proposeDrop();
    const res = await as('agent').claim(p.id, p.action_hash);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('not_approved');
  });

  it('refuses a claim with another action hash', async () => {
    const p = await approved();
    const other = `sha256:${'0'.repeat(64)}`;
    const res = await as('agent').claim(p.id, other);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('hash_mismatch');
    expect((await as('agent').get(`/v1/proposals/${p.id}`)).body.execution.state).toBe('not_started');
  });

  it('grants exactly the approved action once, then records the outcome', async () => {
    const p = await approved();
    const grant = await as('agent').claim(p.id, p.action_hash);
    expect(grant.status).toBe(200);
    expect(grant.body.grant).toMatchObject({ proposal_id: p.id, action: p.action, action_hash: p.action_hash, claimed_by: 'agent-7' });
    const again = await as('agent').claim(p.id, p.action_hash);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('already_claimed');
    const result = await as('agent').post(`/v1/proposals/${p.id}/execution/result`, { outcome: 'succeeded', detail: 'dropped' });
    expect(result.status).toBe(200);
    expect(result.body.execution).toMatchObject({ state: 'succeeded', claimed_by: 'agent-7', detail: 'dropped' });
    const twice = await as('agent').post(`/v1/proposals/${p.id}/execution/result`, { outcome: 'failed' });
    expect(twice.status).toBe(409);
  });

  it('gives one of eight concurrent claims the grant and refuses the other seven', async () => {
    const p = await approved();
    const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => as(i % 2 ? 'agent' : 'executor').claim(p.id, p.action_hash)));
    expect(claims.filter((c) => c.status === 200)).toHaveLength(1);
    expect(claims.filter((c) => c.status === 409 && c.body.code === 'already_claimed')).toHaveLength(7);
    expect(auditRows(p.id).filter((e) => e.type === 'execution.claimed')).toHaveLength(1);
  });

  it('refuses a claim from an identity that is neither the proposer nor an executor', async () => {
    const p = await approved();
    const res = await as('alice').claim(p.id, p.action_hash);
    expect(res.status).toBe(403);
  });
});

describe('waiting', () => {
  it('wakes a long-poll as soon as the deciding approval lands', async () => {
    const p = await proposeDrop();
    await as('alice').approve(p.id);
    // The server's clock is frozen here, so the wait can only end by the approval waking it
    // (or by its 25 s timer, which the test's own 30 s limit would notice).
    const started = performance.now();
    const waiting = as('agent').get(`/v1/proposals/${p.id}/decision?wait=25`);
    await new Promise((r) => setTimeout(r, 100));
    await as('carol').approve(p.id);
    const res = await waiting;
    expect(res.body.status).toBe('approved');
    expect(performance.now() - started).toBeLessThan(25_000);
  });

  it('returns the still-pending proposal when the wait runs out', async () => {
    const p = await proposeDrop();
    const res = await as('agent').get(`/v1/proposals/${p.id}/decision?wait=0.2`);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('pending');
  });

  it('refuses a malformed wait', async () => {
    const p = await proposeDrop();
    expect((await as('agent').get(`/v1/proposals/${p.id}/decision?wait=soon`)).status).toBe(400);
  });
});

describe('expiry and reports', () => {
  it('expires overdue proposals exactly once and lists them for review, never retried', async () => {
    const p = await proposeDrop();
    await as('alice').approve(p.id);
    clock.advance(31 * 60_000);
    try {
      const first = await t.server.approvals.expireOverdue();
      const second = await t.server.approvals.expireOverdue();
      expect(first).toContain(p.id);
      expect(second).not.toContain(p.id);
    } finally {
      clock.advance(-31 * 60_000);
    }
    expect(auditRows(p.id).filter((e) => e.type === 'proposal.expired')).toHaveLength(1);
    const report = await as('auditor').get('/v1/reports/expired');
    expect(report.status).toBe(200);
    const item = report.body.items.find((i: { id: string }) => i.id === p.id);
    expect(item).toMatchObject({ approvals_received: 1, required_approvals: 2 });
  });

  it('reports per-approver statistics to auditors only', async () => {
    const res = await as('auditor').get('/v1/reports/approvers');
    expect(res.status).toBe(200);
    const alice = res.body.approvers.find((a: { identity: string }) => a.identity === 'alice');
    expect(alice.decisions).toBeGreaterThan(3);
    expect(alice.approval_rate).toBe(1);
    expect(alice.flags).toContain('fast_reviews');
    expect((await as('alice').get('/v1/reports/approvers')).status).toBe(403);
  });

  it('reviews approvers over a window: the policy’s 30 days by default, or the period asked for', async () => {
    const now = new Date(clock()).toISOString();
    const current = await as('auditor').get('/v1/reports/approvers');
    expect(current.body.window).toEqual({ from: new Date(clock() - 30 * 86_400_000).toISOString(), to: now });
    const before = await as('auditor').get('/v1/reports/approvers?to=2000-01-01');
    expect(before.body).toMatchObject({ approvers: [], window: { to: '2000-01-02T00:00:00.000Z' } });
    const today = await as('auditor').get(`/v1/reports/approvers?from=${now.slice(0, 10)}&to=${now.slice(0, 10)}`);
    expect(today.body.approvers.map((a: { identity: string }) => a.identity)).toContain('alice');
    // Decisions older than the window drop out of the default review.
    clock.advance(31 * 86_400_000);
    expect((await as('auditor').get('/v1/reports/approvers')).body.approvers).toEqual([]);
    const bad = await as('auditor').get('/v1/reports/approvers?from=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ field: 'from', message: 'must be a date such as 2026-11-01 or an ISO time' }]);
  });

  it('serves the approval chain of one proposal and verifies the whole log', async () => {
    const p = await proposeDrop();
    await as('alice').approve(p.id);
    const chain = await as('auditor').get(`/v1/audit/proposals/${p.id}`);
    expect(chain.status).toBe(200);
    expect(chain.body.events.map((e: { type: string }) => e.type)).toEqual(['proposal.created', 'approval.recorded']);
    expect(chain.body.events[1]).toMatchObject({ actor: 'alice', proposal_id: p.id });
    expect(chain.body.events[1].hash).toMatch(/^[0-9a-f]{64}$/);
    const verify = await as('auditor').get('/v1/audit/verify');
    expect(verify.body.ok).toBe(true);
    expect(verify.body.events).toBeGreaterThan(20);
    expect((await as('agent').get('/v1/audit/verify')).status).toBe(403);
  });

  it('publishes an OpenAPI document generated from the request schemas', async () => {
    const res = await api(t.url).get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(Object.keys(res.body.paths)).toContain('/v1/proposals/{id}/approvals');
    expect(res.body.components.schemas.ProposalInput.required).toEqual(
      expect.arrayContaining(['action', 'what', 'why', 'blast_radius', 'reversibility', 'urgency']),
    );
  });
});

describe('identities over HTTP', () => {
  it('lets the bootstrap admin add an identity and shows its token once', async () => {
    const admin = api(t.url, t.adminToken);
    const res = await admin.post('/v1/identities', { name: 'erin', kind: 'agent', owner: 'alice', roles: ['proposer'] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'erin', kind: 'agent', owner: 'alice', principal: 'alice', roles: ['proposer'] });
    expect(res.body.token).toMatch(/^cs_[0-9a-f]{16}_/);
    const proposed = await api(t.url, res.body.token).propose(dropTableProposal());
    expect(proposed.status).toBe(201);
    expect((await as('alice').approve(proposed.body.id)).body.code).toBe('proposer_principal');
    expect((await admin.post('/v1/identities', { name: 'erin', kind: 'human' })).status).toBe(409);
  });

  it('refuses identity management to anyone but an admin, and names bad fields', async () => {
    expect((await as('alice').post('/v1/identities', { name: 'mallory', kind: 'human', roles: ['admin'] })).status).toBe(403);
    const bad = await api(t.url, t.adminToken).post('/v1/identities', { name: 'Bad Name', kind: 'robot', roles: ['root'] });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['name', 'kind', 'roles']);
  });
});
