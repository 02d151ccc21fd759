import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, createClient, type CountersignClient, NotAuthorized, type ProposalInput } from '../../src/sdk/index.js';
import { startTestServer, type TestServer } from '../support/harness.js';

const truncate: ProposalInput = {
  action: { type: 'sql', command: 'TRUNCATE audit_scratch' },
  what: 'Empty the scratch table',
  why: 'Nightly reset',
  blast_radius: { resources: ['app.audit_scratch'] },
  reversibility: { reversible: false },
  urgency: 'low',
};

let server: TestServer;
let agent: CountersignClient;
let alice: CountersignClient;
let bob: CountersignClient;
let auditor: CountersignClient;

beforeAll(async () => {
  server = await startTestServer();
  const as = async (name: string, kind: 'human' | 'agent', roles: string[]) =>
    createClient({ url: server.url, token: await server.addIdentity(name, kind, roles) });
  agent = await as('agent-7', 'agent', ['proposer']);
  alice = await as('alice', 'human', ['approver']);
  bob = await as('bob', 'human', ['approver']);
  auditor = await as('audrey', 'human', ['auditor']);
});
afterAll(() => server.close());

describe('the typed client', () => {
  it('walks one proposal through every step of the API', async () => {
    expect(await agent.health()).toEqual({ ok: true });
    const proposal = await agent.propose(truncate);
    expect((await alice.list('pending')).map((p) => p.id)).toContain(proposal.id);
    await alice.approve(proposal.id, 'scratch only');
    const approved = await bob.approve(proposal.id, 'ok');
    expect(approved.status).toBe('approved');
    expect((await agent.waitForDecision(proposal.id, 1)).status).toBe('approved');

    const grant = await agent.claimExecution(proposal.id, proposal.action_hash);
    expect(grant.action).toEqual(truncate.action);
    expect((await agent.recordOutcome(proposal.id, 'succeeded', 'done')).execution.state).toBe('succeeded');

    const types = (await auditor.auditChain(proposal.id)).map((e) => e.type);
    expect(types).toContain('execution.recorded');
    expect(await auditor.verifyAudit()).toMatchObject({ ok: true });
    expect(await auditor.approverReport()).toHaveProperty('approvers');
    expect(await auditor.expiredReport()).toMatchObject({ items: [], groups: [{ group: 'unseen', count: 0 }, { group: 'seen_not_approved', count: 0 }, { group: 'short_of_approvals', count: 0 }] });
    expect(await auditor.deliveries({ status: 'failed', limit: 5 })).toEqual({ items: [] });
  });

  it('turns a second approval by the same person into an ApiError with the server code', async () => {
    const proposal = await agent.propose(truncate);
    await alice.approve(proposal.id, 'fine');
    const error = await alice.approve(proposal.id, 'fine again').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 409 });
    await bob.reject(proposal.id, 'not tonight');
    expect((await agent.get(proposal.id)).rejection).toMatchObject({ identity: 'bob', reason: 'not tonight' });
  });

  it('refuses a claim with another hash, and audit reads without the auditor role, with typed errors', async () => {
    const proposal = await agent.propose({ ...truncate, action: { type: 'sql', command: 'SELECT 1' }, reversibility: { reversible: true } });
    const claim = await agent.claimExecution(proposal.id, `sha256:${'0'.repeat(64)}`).catch((e: unknown) => e);
    expect(claim).toMatchObject({ status: 409, code: 'hash_mismatch' });
    await expect(agent.auditChain(proposal.id)).rejects.toBeInstanceOf(NotAuthorized);
  });
});
