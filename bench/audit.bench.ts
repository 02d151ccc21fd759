// Audit at scale: `audit verify` rate beside raw SHA-256 over the same canonical bytes in the
// same run (single-threaded, while verify may use a worker thread: it says how many), and the
// server time to answer one proposal's chain with inclusion proofs. Runs the compiled code, as
// `countersign audit verify` does.
import { createHash, hash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { newProposal } from '../test/store/store-fixtures.js';
import { compiled } from './compiled.js';
import { percentile } from './percentile.js';

const { canonicalJson } = await compiled<typeof import('../src/audit/canonical-json.js')>('audit/canonical-json.js');
const { loadOrCreateSigner } = await compiled<typeof import('../src/audit/checkpoint-key-file.js')>('audit/checkpoint-key-file.js');
const { proveChain } = await compiled<typeof import('../src/service/audit-proofs.js')>('service/audit-proofs.js');
const { PAGES } = await compiled<typeof import('../src/service/audit-pages.js')>('service/audit-pages.js');
const { allEvents, verifyLog } = await compiled<typeof import('../src/service/audit-service.js')>('service/audit-service.js');
const { createCheckpointer } = await compiled<typeof import('../src/service/checkpointer.js')>('service/checkpointer.js');
const { openSqliteStore } = await compiled<typeof import('../src/store/sqlite/sqlite-store.js')>('store/sqlite/sqlite-store.js');

const PROPOSALS = Number(process.env.BENCH_AUDIT_PROPOSALS ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), 'countersign-audit-bench-'));
async function main() {
  const file = join(dir, 'audit.db');
  const store = openSqliteStore(file);
  const ids: string[] = [];
  let t = performance.now();
  for (let done = 0; done < PROPOSALS; ) {
    const batch = Array.from({ length: Math.min(1000, PROPOSALS - done) }, () => {
      const { proposal, events } = newProposal({ now: Date.now() });
      ids.push(proposal.id);
      return store.insertProposal(proposal, events);
    });
    await Promise.all(batch);
    done += batch.length;
  }
  const size = await store.auditTreeSize();
  console.log(`stored ${PROPOSALS} proposals, ${size} audit events (with Merkle nodes) in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  // The bytes `audit verify` hashes: each event's canonical JSON, hashed a page at a time
  // (only the hashing is timed) so a million events need not sit in memory at once.
  // Two single-threaded baselines: createHash per event (the baseline of the 0.7x target), and the
  // one-shot crypto.hash that verification itself calls, which skips the Hash object.
  let total = 0;
  let rawMs = 0;
  let oneShotMs = 0;
  let page: Buffer[] = [];
  const hashPage = () => {
    let start = performance.now();
    for (const b of page) createHash('sha256').update(b).digest();
    rawMs += performance.now() - start;
    start = performance.now();
    for (const b of page) hash('sha256', b, 'hex');
    oneShotMs += performance.now() - start;
    page = [];
  };
  for await (const { hash: _h, ...e } of allEvents(store)) {
    const b = Buffer.from(canonicalJson(e));
    total += b.length;
    page.push(b);
    if (page.length === 5000) hashPage();
  }
  hashPage();
  const rawSeconds = rawMs / 1000;
  const oneShotSeconds = oneShotMs / 1000;

  t = performance.now();
  const result = await verifyLog(store);
  const verifySeconds = (performance.now() - t) / 1000;
  if (!result.ok) throw new Error('the bench log does not verify');
  const mb = total / 1e6;
  const threads = size >= PAGES.parallelFrom && store.auditRowSource() ? 2 : 1;
  console.log(`raw SHA-256 over the same ${mb.toFixed(1)} MB, one thread, createHash per event: ${(size / rawSeconds).toFixed(0)} events/s (${(mb / rawSeconds).toFixed(0)} MB/s)`);
  console.log(`  the same with one-shot crypto.hash per event: ${(size / oneShotSeconds).toFixed(0)} events/s (${(mb / oneShotSeconds).toFixed(0)} MB/s)`);
  console.log(
    `audit verify (read, hash, link, Merkle; ${threads} thread${threads > 1 ? 's: this and a worker' : ''}, ${availableParallelism()} cores): ` +
      `${(size / verifySeconds).toFixed(0)} events/s (${(mb / verifySeconds).toFixed(1)} MB/s) = ${(rawSeconds / verifySeconds).toFixed(2)} x raw createHash, ` +
      `${(oneShotSeconds / verifySeconds).toFixed(2)} x raw one-shot`,
  );

  const { signer } = loadOrCreateSigner(join(dir, 'key'));
  const checkpoints = createCheckpointer({ store, signer, clock: Date.now });
  await checkpoints.coverNow();
  const times: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const id = ids[Math.floor(Math.random() * ids.length)]!;
    const start = performance.now();
    const events = await store.auditEventsFor(id);
    await proveChain(store, events, await checkpoints.coverNow());
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  await checkpoints.stored();
  console.log(`one proposal's chain with inclusion proofs (${size} events): p50 ${percentile(times, 50).toFixed(3)} ms, p99 ${percentile(times, 99).toFixed(3)} ms`);
  await store.close();
}

try {
  await main();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
