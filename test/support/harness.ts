import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePolicy } from '../../src/policy/policy-config.js';
import { type RunningServer, serve } from '../../src/server/serve.js';
import { addIdentity } from './identities.js';

/** A clock the test moves by hand, so expiry is tested without sleeping. */
export function manualClock(start = Date.parse('2026-11-25T09:00:00Z')) {
  let now = start;
  const clock = () => now;
  clock.advance = (ms: number) => {
    now += ms;
  };
  return clock;
}

export const tempDir = (prefix = 'countersign-') => mkdtempSync(join(tmpdir(), prefix));

export interface TestServer {
  url: string;
  dbFile: string;
  server: RunningServer;
  /** The token `serve` printed for the bootstrap `admin`. */
  adminToken: string;
  /** Adds an identity straight in the database (as `countersign identity add` does) and returns its token. */
  addIdentity(name: string, kind: 'human' | 'agent', roles: string[], owner?: string): Promise<string>;
  close(): Promise<void>;
}

/** A real `serve` on a real SQLite file, listening on a loopback port. */
export async function startTestServer(options: { policy?: string; clock?: () => number; env?: NodeJS.ProcessEnv } = {}): Promise<TestServer> {
  const dir = tempDir();
  const dbFile = join(dir, 'countersign.db');
  const said: string[] = [];
  const server = await serve({
    store: { db: dbFile },
    host: '127.0.0.1',
    port: 0,
    policy: parsePolicy(options.policy ?? '{}'),
    clock: options.clock,
    env: options.env ?? {},
    say: (line) => said.push(line),
  });
  return {
    url: server.url,
    dbFile,
    server,
    adminToken: /^cs_\S+$/m.exec(said.join('\n'))![0],
    addIdentity: (name, kind, roles, owner) => addIdentity(dbFile, name, kind, roles, owner),
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  contentType: string | null;
}

/** Real HTTP over loopback, as an agent or a person would call it. */
export function api(baseUrl: string, token?: string) {
  const call = async <T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, contentType: response.headers.get('content-type') };
  };
  return {
    call,
    get: <T = any>(path: string) => call<T>('GET', path),
    post: <T = any>(path: string, body?: unknown) => call<T>('POST', path, body),
    propose: (proposal: unknown) => call('POST', '/v1/proposals', proposal),
    approve: (id: string, reason = 'looked at it') => call('POST', `/v1/proposals/${id}/approvals`, { reason }),
    reject: (id: string, reason = 'not safe') => call('POST', `/v1/proposals/${id}/rejections`, { reason }),
    claim: (id: string, action_hash: string) => call('POST', `/v1/proposals/${id}/execution`, { action_hash }),
  };
}

/** The contract's example proposal: a DROP TABLE that needs two people. */
export function dropTableProposal(overrides: Record<string, unknown> = {}) {
  return {
    action: {
      type: 'sql',
      command: 'DROP TABLE users',
      target: { system: 'postgres://prod-db/app', environment: 'production' },
      params: {},
    },
    what: 'Drop the legacy users table',
    why: 'Replaced by accounts in migration 42 (OPS-1234)',
    blast_radius: { resources: ['prod-db/app.users'], critical_path: true, customer_data: true },
    reversibility: { reversible: false, rollback_plan: "restore last night's snapshot" },
    cost_impact_usd: 0,
    urgency: 'triage',
    ...overrides,
  };
}

/** A harmless read that policy approves at once. */
export function readOnlyProposal() {
  return {
    action: { type: 'sql', command: 'SELECT count(*) FROM users' },
    what: 'Count users',
    why: 'Weekly report',
    blast_radius: { resources: ['prod-db/app.users'] },
    reversibility: { reversible: true },
    urgency: 'low',
  };
}

/**
 * A DROP TABLE proposed by an agent, approved by alice and bob and claimed
 * (the server signs a checkpoint at the claim): a log with something to audit.
 */
export async function claimedDropTable(t: TestServer) {
  const agent = api(t.url, await t.addIdentity('agent-1', 'agent', ['proposer']));
  const alice = api(t.url, await t.addIdentity('alice', 'human', ['approver']));
  const bob = api(t.url, await t.addIdentity('bob', 'human', ['approver']));
  const p = (await agent.propose(dropTableProposal())).body;
  await alice.approve(p.id, 'checked');
  await bob.approve(p.id, 'checked too');
  const claim = await agent.claim(p.id, p.action_hash);
  return { agent, alice, bob, p, claim };
}
