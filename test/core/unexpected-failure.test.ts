import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parsePolicy } from '../../src/policy/policy-config.js';
import { createClient, type ProposalInput, ServerError } from '../../src/sdk/index.js';
import { buildApp } from '../../src/server/app.js';
import { createApprovalService } from '../../src/service/approval-service.js';
import { createIdentityService } from '../../src/service/identity-service.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { dropTableProposal, tempDir } from '../support/harness.js';
import { signIn } from '../support/ui-forms.js';

/** Set while a test wants the store's lists to fail too. */
let listsFail = false;

/** A real SQLite store whose proposal reads fail, as a broken disk or a bug would make them. */
function withFailingReads(store: Store): Store {
  return new Proxy(store, {
    get(target, key, receiver) {
      if (key === 'getProposal') return async () => Promise.reject(new Error('simulated read failure: disk I/O error'));
      if (key === 'listProposals' && listsFail) return async () => Promise.reject(new Error('simulated list failure: disk I/O error'));
      return Reflect.get(target, key, receiver);
    },
  });
}

interface LogLine {
  level: number;
  reqId?: string;
  msg: string;
  err?: { message: string };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let dir: string;
let store: Store;
let app: FastifyInstance;
let url: string;
let agentToken: string;
let aliceToken: string;
const logged: string[] = [];
const logLines = (): LogLine[] => logged.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as LogLine);

beforeAll(async () => {
  dir = tempDir();
  store = withFailingReads(openSqliteStore(join(dir, 'countersign.db')));
  const clock = Date.now;
  const identities = createIdentityService({ store, clock });
  const approvals = createApprovalService({ store, policy: parsePolicy('{}'), clock });
  const errorLog = new Writable({
    write(chunk, _encoding, done) {
      logged.push(String(chunk));
      done();
    },
  });
  app = buildApp({ store, approvals, identities, clock, errorLog });
  await app.listen({ host: '127.0.0.1', port: 0 });
  url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  agentToken = (await identities.add({ name: 'agent-7', kind: 'agent', roles: ['proposer'] }, 'test')).token;
  aliceToken = (await identities.add({ name: 'alice', kind: 'human', roles: ['approver'] }, 'test')).token;
});
afterAll(async () => {
  await app?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('readiness and liveness', () => {
  it('answers /healthz while /readyz says the store does not answer, and logs why', async () => {
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    listsFail = true;
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${url}/readyz`).finally(() => (listsFail = false));
    expect(ready.status).toBe(503);
    const body = await ready.json();
    expect(body).toEqual({ ok: false, detail: 'The store does not answer; see the server log.' });
    expect(logLines().some((line) => line.err?.message.includes('simulated list failure'))).toBe(true);
  });
});

describe('an unexpected failure in the server', () => {
  it('is a 500 problem naming a request id, logged once under that id, with no internals in the answer', async () => {
    const response = await fetch(`${url}/v1/proposals/any-id`, { headers: { authorization: `Bearer ${agentToken}` } });
    const body = await response.json();

    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(body).toMatchObject({ type: 'urn:countersign:problem:internal', status: 500, code: 'internal', instance: '/v1/proposals/any-id' });
    expect(body.request_id).toMatch(UUID);
    expect(body.detail).toContain(body.request_id);
    expect(JSON.stringify(body)).not.toMatch(/disk I\/O|simulated|\n\s+at /);

    const lines = logLines().filter((line) => line.reqId === body.request_id);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 50, msg: 'unexpected failure', err: { message: 'simulated read failure: disk I/O error' } });
  });

  it('makes the SDK give up at once with ServerError, without retrying, and nothing runs', async () => {
    const decisionRequests: string[] = [];
    const countingFetch: typeof fetch = (input, init) => {
      if (String(input).includes('/decision')) decisionRequests.push(String(input));
      return fetch(input, init);
    };
    const client = createClient({ url, token: agentToken, fetch: countingFetch, gate: { pollSeconds: 1, retry: { initialDelayMs: 10, maxDelayMs: 20 } } });
    const execute = vi.fn();

    const error = await client.gate.run(dropTableProposal() as ProposalInput, execute).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ status: 500, kind: 'internal', code: 'internal' });
    expect(decisionRequests).toHaveLength(1);
    expect(execute).not.toHaveBeenCalled();
    const requestId = (error as ServerError).requestId;
    expect(requestId).toMatch(UUID);
    expect(logLines().filter((line) => line.reqId === requestId)).toHaveLength(1);
  });

  it('is a 500 page with the request id in the approval UI, logged under that id', async () => {
    const { cookie } = await signIn(url, aliceToken);
    const response = await fetch(`${url}/proposals/any-id`, { headers: { cookie } });
    const page = await response.text();

    expect(response.status).toBe(500);
    const requestId = /request id ([0-9a-f-]{36})/.exec(page)?.[1];
    expect(requestId).toMatch(UUID);
    expect(page).not.toMatch(/disk I\/O|simulated/);
    expect(logLines().filter((line) => line.reqId === requestId)).toMatchObject([{ level: 50, msg: 'unexpected failure' }]);
  });
});
