import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClient, type Action, type Proposal } from '../../src/sdk/index.js';
import { addIdentity } from '../support/identities.js';
import { api, tempDir } from '../support/harness.js';
import { freePort, type ServeProcess, startServe } from '../support/serve-process.js';

async function addIdentities(dbFile: string) {
  return {
    agent: await addIdentity(dbFile, 'agent-7', 'agent', ['proposer']),
    alice: await addIdentity(dbFile, 'alice', 'human', ['approver']),
    bob: await addIdentity(dbFile, 'bob', 'human', ['approver']),
  };
}

let server: ServeProcess | undefined;
const startServer = (port: number) => startServe(['--db', dbFile, '--port', String(port)]);
let dbFile = '';
afterEach(async () => {
  await server?.kill();
  rmSync(dirname(dbFile), { recursive: true, force: true });
});

describe('gate.run across a server restart', () => {
  it('keeps waiting on the same proposal while the server is down and runs once after it returns', async () => {
    dbFile = join(tempDir(), 'countersign.db');
    const tokens = await addIdentities(dbFile);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    server = await startServer(port);

    let networkErrors = 0;
    const countingFetch: typeof fetch = (input, init) =>
      fetch(input, init).catch((error: unknown) => {
        networkErrors++;
        throw error;
      });
    const countersign = createClient({
      url,
      token: tokens.agent,
      fetch: countingFetch,
      gate: { pollSeconds: 5, retry: { initialDelayMs: 100, maxDelayMs: 500 } },
    });
    const execute = vi.fn(async (action: Action) => action.command);
    let proposal: Proposal | undefined;
    const running = countersign.gate.run(
      {
        action: { type: 'shell', command: 'rm -rf /srv/cache/build-42' },
        what: 'Delete a stale build cache',
        why: 'Disk at 95%',
        blast_radius: { resources: ['/srv/cache/build-42'] },
        reversibility: { reversible: false },
        urgency: 'normal',
      },
      execute,
      { onProposed: (p) => (proposal = p) },
    );
    await vi.waitFor(() => expect(proposal?.status).toBe('pending'), { timeout: 20_000 });

    await server.kill();
    // The gate's long-poll fails and retries while the server is down.
    await vi.waitFor(() => expect(networkErrors).toBeGreaterThan(1), { timeout: 20_000 });
    server = await startServer(port);

    expect((await api(url, tokens.alice).approve(proposal!.id, 'cache is rebuilt nightly')).status).toBe(201);
    expect((await api(url, tokens.bob).approve(proposal!.id, 'ok')).status).toBe(201);

    expect(await running).toBe('rm -rf /srv/cache/build-42');
    expect(execute).toHaveBeenCalledTimes(1);
    const stored = await api(url, tokens.alice).get(`/v1/proposals/${proposal!.id}`);
    expect(stored.body.execution).toMatchObject({ state: 'succeeded', claimed_by: 'agent-7' });
    const all = await api(url, tokens.alice).get('/v1/proposals');
    expect(all.body.items).toHaveLength(1); // resumed, never re-proposed
  });
});
