import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCheckpoint } from '../../src/audit/checkpoint.js';
import { generateNoteKey, parseSigner } from '../../src/audit/note-key.js';
import { checkpointPusher } from '../../src/service/checkpoint-push.js';
import { createCheckpointer } from '../../src/service/checkpointer.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { StoredCheckpoint } from '../../src/store/store.js';
import { newProposal } from '../store/store-fixtures.js';
import { tempDir } from '../support/harness.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/**
 * A witness on loopback that fails its first `failures` requests. It answers
 * nothing until `open()`: a signing that waited for the push would hang.
 */
async function witness(failures: number) {
  const received: { body: string; size: string | undefined }[] = [];
  let calls = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', async () => {
      await opened;
      calls++;
      if (calls <= failures) return res.writeHead(503).end();
      received.push({ body, size: req.headers['x-countersign-tree-size'] as string | undefined });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/witness`, received, calls: () => calls, open };
}

describe('pushing checkpoints to an external witness', () => {
  it('delivers each new signed checkpoint, retrying after failures, and never delays signing', async () => {
    const w = await witness(2);
    const store = openSqliteStore(join(tempDir(), 'w.db'));
    closers.push(() => store.close());
    const signer = parseSigner(generateNoteKey('countersign-test'));
    const lines: string[] = [];
    const pushed: StoredCheckpoint[] = [];
    const push = checkpointPusher({ url: w.url, report: (l) => lines.push(l), firstDelayMs: 20 });
    const checkpoints = createCheckpointer({ store, signer, clock: Date.now, onSigned: (c) => (pushed.push(c), push(c)) });
    const { proposal, events } = newProposal();
    await store.insertProposal(proposal, events);
    // Resolves while the witness has not answered anything: signing never waits for the push.
    const signed = await checkpoints.coverNow();
    expect(w.calls()).toBe(0);
    w.open();
    await expect.poll(() => w.received.length, { timeout: 10_000 }).toBe(1);
    expect(w.calls()).toBe(3);
    expect(lines).toEqual([expect.stringMatching(/HTTP 503 \(attempt 1\/5\)/), expect.stringMatching(/HTTP 503 \(attempt 2\/5\)/)]);
    expect(w.received[0]).toEqual({ body: signed!.note, size: '1' });
    expect(openCheckpoint(w.received[0]!.body, signer).size).toBe(1);
    // Nothing new in the log: nothing new to sign, so nothing is handed to the pusher.
    expect(await checkpoints.coverNow()).toEqual(signed);
    expect(pushed).toEqual([signed]);
  });
});
