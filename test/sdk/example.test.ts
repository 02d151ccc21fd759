import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { api, startTestServer, type TestServer } from '../support/harness.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/sdk-gate-run.ts', import.meta.url));

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('examples/sdk-gate-run.ts', () => {
  it('deletes its scratch directory only after two approvals', async () => {
    const agent = await server.addIdentity('agent-7', 'agent', ['proposer']);
    const alice = await server.addIdentity('alice', 'human', ['approver']);
    const bob = await server.addIdentity('bob', 'human', ['approver']);
    const child = spawn(process.execPath, ['--import', 'tsx', EXAMPLE], {
      env: { ...process.env, COUNTERSIGN_URL: server.url, COUNTERSIGN_TOKEN: agent },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));

    await vi.waitFor(() => expect(output).toMatch(/Waiting for 2 approvals of proposal \S+/), { timeout: 15_000 });
    const id = /proposal (\S+)/.exec(output)![1]!;
    const { body: proposal } = await api(server.url, alice).get(`/v1/proposals/${id}`);
    const dir = String(proposal.action.params.path);
    expect(existsSync(dir)).toBe(true);

    await api(server.url, alice).approve(id, 'scratch data');
    await api(server.url, bob).approve(id, 'results are uploaded');
    expect(await exited).toBe(0);
    expect(output).toContain(`Deleted ${dir} (results.csv)`);
    expect(existsSync(dir)).toBe(false);
  });
});
