import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCheckpoint } from '../../src/audit/checkpoint.js';
import { generateNoteKey, parseSigner } from '../../src/audit/note-key.js';
import { checkpointPusher } from '../../src/service/checkpoint-push.js';
import { createCheckpointer } from '../../src/service/checkpointer.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { newProposal } from '../store/store-fixtures.js';
import { tempDir } from '../support/harness.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A witness on loopback that fails its first `failures` requests. */
async function witness(failures: number) {
  const received: { body: string; size: string | undefined }[] = [];
  let calls = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      calls++;
      if (calls <= failures) return res.writeHead(503).end();
      received.push({ body, size: req.headers['x-countersign-tree-size'] as string | undefined });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/witness`, received, calls: () => calls };
}

describe('pushing checkpoints to an external witness', () => {
  it('delivers each new signed checkpoint, retrying after failures, and never delays signing', async () => {
    const w = await witness(2);
    const store = openSqliteStore(join(tempDir(), 'w.db'));
    closers.push(() => store.close());
    const signer = parseSigner(generateNoteKey('countersign-test'));
    const lines: string[] = [];
    const checkpoints = createCheckpointer({ store, signer, clock: Date.now, onSigned: checkpointPusher({ url: w.url, report: (l) => lines.push(l), firstDelayMs: 20 }) });
    const { proposal, events } = newProposal();
    await store.insertProposal(proposal, events);
    const started = performance.now();
    const signed = await checkpoints.coverNow();
    expect(performance.now() - started).toBeLessThan(50);
    await expect.poll(() => w.received.length, { timeout: 3000 }).toBe(1);
    expect(w.calls()).toBe(3);
    expect(lines).toEqual([expect.stringMatching(/HTTP 503 \(attempt 1\/5\)/), expect.stringMatching(/HTTP 503 \(attempt 2\/5\)/)]);
    expect(w.received[0]).toEqual({ body: signed!.note, size: '1' });
    expect(openCheckpoint(w.received[0]!.body, signer).size).toBe(1);
    // Nothing new in the log: nothing new to sign or send.
    await checkpoints.coverNow();
    await new Promise((r) => setTimeout(r, 100));
    expect(w.calls()).toBe(3);
  });
});
