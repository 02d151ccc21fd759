import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { api, dropTableProposal, startTestServer, tempDir } from '../support/harness.js';
import { addIdentity } from '../support/identities.js';
import { type ServeProcess, startServe } from '../support/serve-process.js';

const ROOT = join(import.meta.dirname, '../..');
const MARKER_MODULE = new URL('../support/long-wait-marker.mjs', import.meta.url).href;

const running: ServeProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.kill()));
});

const exitOf = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));

describe('stopping the server', () => {
  it('answers a waiting long-poll with the proposal as it is, and any later one at once', async () => {
    const t = await startTestServer();
    const agent = api(t.url, await t.addIdentity('agent-1', 'agent', ['proposer']));
    const { body: p } = await agent.propose(dropTableProposal());
    // The long-poll subscribes, then reads the proposal: once it has read it, it is waiting.
    const store = t.server.store as Store;
    const read = store.getProposal.bind(store);
    let waiting!: () => void;
    const taken = new Promise<void>((resolve) => (waiting = resolve));
    store.getProposal = async (id) => {
      const proposal = await read(id);
      if (id === p.id) waiting();
      return proposal;
    };
    const longPoll = agent.get(`/v1/proposals/${p.id}/decision?wait=120`);
    await taken;
    // What closing the server does first.
    t.server.approvals.releaseWaiters();
    const answer = await longPoll;
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ id: p.id, status: 'pending' });
    const later = await agent.get(`/v1/proposals/${p.id}/decision?wait=120`);
    expect(later.body).toMatchObject({ id: p.id, status: 'pending' });
    await t.close();
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('on %s, answers a waiting long-poll, says so in its log and exits 0', async (signal) => {
    const dir = tempDir();
    const db = join(dir, 'countersign.db');
    const marker = join(dir, 'long-waits');
    const server = await startServe(['--db', db, '--port', '0'], { nodeArgs: ['--import', MARKER_MODULE], env: { COUNTERSIGN_TEST_WAIT_MARKER: marker } });
    running.push(server);
    const agent = api(server.url, await addIdentity(db, 'agent-1', 'agent', ['proposer']));
    const { body: p } = await agent.propose(dropTableProposal());
    const longPoll = agent.get(`/v1/proposals/${p.id}/decision?wait=120`);
    await vi.waitFor(() => expect(existsSync(marker) && readFileSync(marker, 'utf8')).toBe('120000\n'), { timeout: 30_000, interval: 20 });

    server.child.kill(signal);
    const answer = await longPoll;
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ id: p.id, status: 'pending' });
    expect(await exitOf(server.child)).toBe(0);
    const log = server.output.join('\n');
    expect(log).toContain(`Countersign stopping (${signal}): answering waiting long-polls, finishing requests in flight`);
    expect(log).toMatch(/Countersign stopped$/m);
  });

  it('stops with `npm start` when npm is told to stop (npm’s shell does not pass the signal on)', async () => {
    const dir = tempDir();
    const npm = spawn('npm', ['start', '--', '--db', join(dir, 'countersign.db'), '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const output: string[] = [];
    npm.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    // The pipe ends only once every process holding it has exited: npm, its shell and the server.
    const ended = new Promise<void>((resolve) => npm.stdout!.on('end', resolve));
    const url = await new Promise<string>((resolve) => {
      npm.stdout!.on('data', (chunk: Buffer) => {
        output.push(chunk.toString());
        const match = /Countersign listening on (\S+)/.exec(output.join(''));
        if (match) resolve(match[1]!);
      });
    });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    npm.kill('SIGTERM');
    await ended;
    const log = output.join('');
    expect(log).toMatch(/Countersign stopping \(its parent process \d+ is gone\)/);
    expect(log).toMatch(/Countersign stopped\n/);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});
