import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createClient,
  InvalidProposal,
  NotAuthorized,
  ProposalExpired,
  ProposalRejected,
  StillPending,
  type Action,
  type Proposal,
  type ProposalInput,
} from '../../src/sdk/index.js';
import { api, startTestServer, type TestServer } from '../support/harness.js';

const drop: ProposalInput = {
  action: { type: 'sql', command: 'DROP TABLE legacy_users', target: { system: 'postgres://prod-db/app' } },
  what: 'Drop the legacy users table',
  why: 'Replaced by accounts in migration 42',
  blast_radius: { resources: ['prod-db/app.legacy_users'] },
  reversibility: { reversible: false, rollback_plan: 'restore the snapshot' },
  urgency: 'normal',
};
const count: ProposalInput = { ...drop, action: { type: 'sql', command: 'SELECT count(*) FROM users' }, reversibility: { reversible: true } };

let server: TestServer;
let tokens: Record<'agent' | 'alice' | 'bob', string>;

beforeAll(async () => {
  server = await startTestServer();
  tokens = {
    agent: await server.addIdentity('agent-7', 'agent', ['proposer']),
    alice: await server.addIdentity('alice', 'human', ['approver']),
    bob: await server.addIdentity('bob', 'human', ['approver']),
  };
});
afterAll(() => server.close());

const agent = () => createClient({ url: server.url, token: tokens.agent, gate: { pollSeconds: 2 } });

/** Resolves with the proposal as soon as the gate has created it. */
function proposed() {
  let resolve!: (p: Proposal) => void;
  const promise = new Promise<Proposal>((r) => (resolve = r));
  return { promise, onProposed: resolve };
}

describe('gate.run against a real server', () => {
  it('runs a riskless action at once and records it succeeded', async () => {
    const execute = vi.fn(async (action: Action) => `ran ${action.command}`);
    let id = '';
    const result = await agent().gate.run(count, execute, { onProposed: (p) => (id = p.id) });

    expect(result).toBe('ran SELECT count(*) FROM users');
    expect(execute).toHaveBeenCalledTimes(1);
    const stored = await api(server.url, tokens.alice).get(`/v1/proposals/${id}`);
    expect(stored.body).toMatchObject({ status: 'approved', required_approvals: 0, execution: { state: 'succeeded', claimed_by: 'agent-7' } });
  });

  it('waits for two approvals, then runs exactly the approved action once', async () => {
    const execute = vi.fn(async (action: Action) => action);
    const seen = proposed();
    const running = agent().gate.run(drop, execute, { onProposed: seen.onProposed });
    const { id } = await seen.promise;

    await new Promise((r) => setTimeout(r, 300));
    expect(execute).not.toHaveBeenCalled();
    expect((await api(server.url, tokens.alice).approve(id, 'snapshot verified')).status).toBe(201);
    expect((await api(server.url, tokens.bob).approve(id, 'migration 42 is live')).status).toBe(201);

    expect(await running).toEqual(drop.action);
    expect(execute).toHaveBeenCalledTimes(1);
    const stored = await agent().get(id);
    expect(stored.execution.state).toBe('succeeded');
  });

  it('throws ProposalRejected with the identity and reason, and runs nothing', async () => {
    const execute = vi.fn();
    const seen = proposed();
    const running = agent().gate.run(drop, execute, { onProposed: seen.onProposed });
    const { id } = await seen.promise;
    await api(server.url, tokens.bob).reject(id, 'legacy_users still feeds the billing export');

    const error = await running.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProposalRejected);
    expect(error).toMatchObject({ identity: 'bob', reason: 'legacy_users still feeds the billing export' });
    expect(execute).not.toHaveBeenCalled();
  });

  it('records a failed outcome with the error message and rethrows it', async () => {
    const seen = proposed();
    const running = agent().gate.run(drop, async () => {
      throw new Error('relation "legacy_users" is locked');
    }, { onProposed: seen.onProposed });
    const { id } = await seen.promise;
    await api(server.url, tokens.alice).approve(id, 'ok');
    await api(server.url, tokens.bob).approve(id, 'ok');

    await expect(running).rejects.toThrow('relation "legacy_users" is locked');
    expect((await agent().get(id)).execution).toMatchObject({ state: 'failed', detail: 'relation "legacy_users" is locked' });
  });

  it('throws StillPending with the proposal id once the wait limit passes, and resume picks it up', async () => {
    const execute = vi.fn(async () => 'done');
    const error = await agent().gate.run(drop, execute, { maxWaitMs: 500 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StillPending);
    const { id } = (error as StillPending).proposal;
    expect((error as Error).message).toBe(`still awaiting approval: proposal ${id}`);

    await api(server.url, tokens.alice).approve(id, 'ok');
    await api(server.url, tokens.bob).approve(id, 'ok');
    expect(await agent().gate.resume(id, execute)).toBe('done');
    expect(execute).toHaveBeenCalledTimes(1);
  });

  it('proposes once when the answer to its proposal is lost and it sends again', async () => {
    // The first POST reaches the server and is stored, but its answer never arrives.
    const posts: string[] = [];
    const losingFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (init?.method === 'POST' && String(input).endsWith('/v1/proposals')) {
        posts.push(new Headers(init.headers).get('idempotency-key')!);
        if (posts.length === 1) throw new TypeError('fetch failed: connection reset');
      }
      return response;
    };
    const lossy = createClient({ url: server.url, token: tokens.agent, fetch: losingFetch, gate: { retry: { initialDelayMs: 10, maxDelayMs: 50 } } });
    const before = (await api(server.url, tokens.alice).get('/v1/proposals')).body.items.length;
    const what = `Count users once (${Date.now()})`;
    const result = await lossy.gate.run({ ...count, what }, async () => 'counted');

    expect(result).toBe('counted');
    expect(posts).toHaveLength(2);
    expect(posts[1]).toBe(posts[0]); // the same key both times
    const after = (await api(server.url, tokens.alice).get('/v1/proposals')).body.items;
    expect(after).toHaveLength(before + 1);
    expect(after.filter((p: { what: string }) => p.what === what)).toHaveLength(1);
  });

  it('throws InvalidProposal naming each bad field', async () => {
    const bad = { ...drop, urgency: 'asap', surprise: true } as unknown as ProposalInput;
    const error = await agent().gate.run(bad, vi.fn()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidProposal);
    expect((error as InvalidProposal).errors.map((e) => e.field).sort()).toEqual(['surprise', 'urgency']);
  });

  it('throws NotAuthorized for a bad token and for an identity without the proposer role', async () => {
    const stranger = createClient({ url: server.url, token: 'not-a-token' });
    await expect(stranger.gate.run(drop, vi.fn())).rejects.toBeInstanceOf(NotAuthorized);
    const approver = createClient({ url: server.url, token: tokens.alice });
    await expect(approver.gate.run(drop, vi.fn())).rejects.toMatchObject({ status: 403 });
  });
});

describe('gate.run when nobody decides', () => {
  it('throws ProposalExpired, which is not a rejection', async () => {
    const short = await startTestServer({ policy: 'timeouts: { normal: 1s }\nsweep_interval: 1s' });
    try {
      const token = await short.addIdentity('agent-7', 'agent', ['proposer']);
      const execute = vi.fn();
      const error = await createClient({ url: short.url, token, gate: { pollSeconds: 1 } }).gate.run(drop, execute).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProposalExpired);
      expect(error).not.toBeInstanceOf(ProposalRejected);
      expect((error as ProposalExpired).proposal.status).toBe('expired');
      expect(execute).not.toHaveBeenCalled();
    } finally {
      await short.close();
    }
  });
});
