// Full approval cycles over HTTP on a durable SQLite file, beside the raw rate of the same
// durable commits made directly with better-sqlite3, and the long-poll wake-up latency.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { MIGRATIONS } from '../src/store/sqlite/sqlite-schema.js';
import { startServe } from '../test/support/serve-process.js';
import { addBenchIdentities, cycleClient, proposal } from './cycle-client.js';
import { percentile } from './percentile.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
// BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the server process.
// The disk's fsync rate drifts a lot over seconds, so the two measurements alternate in short rounds.
const ROUNDS = 6;
const WORKERS = 8;
const dir = mkdtempSync(join(tmpdir(), 'countersign-bench-'));

/**
 * The limit: the same durable commits a cycle makes (same schema, rows of the same size, one
 * transaction per step), written directly with better-sqlite3: no HTTP, no service, no hashing.
 */
function openRawCommitter(): { cyclesFor(seconds: number): number; close(): void } {
  const db = new Database(join(dir, 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  for (const migration of MIGRATIONS) db.exec(migration);
  const doc = JSON.stringify({ ...proposal, id: randomUUID(), approvals: [{ identity: 'alice', reason: 'checked' }], risk: { classes: ['irreversible'] } });
  const data = JSON.stringify({ action: proposal.action, what: proposal.what, risk: { classes: ['irreversible'] } });
  const insertProposal = db.prepare("INSERT INTO proposals (id, status, created_at, expires_at, doc) VALUES (?, 'pending', ?, ?, ?)");
  const updateProposal = db.prepare('UPDATE proposals SET status = ?, doc = ? WHERE id = ?');
  const insertDecision = db.prepare("INSERT INTO decisions (proposal_id, identity, principal, verdict, at, review_ms) VALUES (?, ?, ?, 'approve', ?, 0)");
  const insertEvent = db.prepare("INSERT INTO audit_events (at, type, proposal_id, actor, reason, data, prev_hash, hash) VALUES (?, 'e', ?, 'a', 'r', ?, ?, ?)");
  const hash = 'f'.repeat(64);
  const event = (id: string, at: string) => insertEvent.run(at, id, data, hash, hash);
  const steps = [
    db.transaction((id: string, at: string) => (insertProposal.run(id, at, at, doc), event(id, at))),
    db.transaction((id: string, at: string) => (updateProposal.run('pending', doc, id), insertDecision.run(id, 'alice', 'alice', at), event(id, at))),
    db.transaction((id: string, at: string) => (updateProposal.run('approved', doc, id), insertDecision.run(id, 'bob', 'bob', at), event(id, at), event(id, at))),
    db.transaction((id: string, at: string) => (updateProposal.run('approved', doc, id), event(id, at))),
    db.transaction((id: string, at: string) => (updateProposal.run('approved', doc, id), event(id, at))),
  ];
  return {
    cyclesFor(seconds) {
      let n = 0;
      const end = performance.now() + seconds * 1000;
      while (performance.now() < end) {
        const id = randomUUID();
        const at = new Date().toISOString();
        for (const step of steps) step(id, at);
        n++;
      }
      return n;
    },
    close: () => db.close(),
  };
}

async function main() {
  const rawCommitter = openRawCommitter();

  const dbFile = join(dir, 'countersign.db');
  const server = await startServe(['--db', dbFile, '--port', '0'], { nodeArgs: process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) });
  const tokens = await addBenchIdentities(dbFile);
  const { agent, alice, bob } = tokens;
  const { call, cycle, cyclesFor } = cycleClient(server.url, tokens);

  for (let i = 0; i < 20; i++) await cycle(); // warm-up
  const round = SECONDS / ROUNDS;
  let rawCycles = 0;
  let cycles = 0;
  for (let r = 0; r < ROUNDS; r++) {
    rawCycles += rawCommitter.cyclesFor(round / 2);
    cycles += await cyclesFor(round / 2, WORKERS);
  }
  rawCommitter.close();
  const limit = rawCycles / (SECONDS / 2);
  const cycleRate = cycles / (SECONDS / 2);

  // Wake-up: a long-poll is waiting; the deciding approval is sent; how soon does the poll return?
  const wake: number[] = [];
  const roundTrip: number[] = [];
  for (let i = 0; i < 200; i++) {
    const p = await call('POST', '/v1/proposals', agent, proposal);
    await call('POST', `/v1/proposals/${p.id}/approvals`, alice, { reason: 'checked' });
    const waiting = call('GET', `/v1/proposals/${p.id}/decision?wait=30`, agent);
    await new Promise((r) => setTimeout(r, 2));
    const sent = performance.now();
    const approving = call('POST', `/v1/proposals/${p.id}/approvals`, bob, { reason: 'checked too' }).then(() => roundTrip.push(performance.now() - sent));
    const decided = await waiting;
    wake.push(performance.now() - sent);
    await approving;
    if (decided.status !== 'approved') throw new Error('long-poll returned before the decision');
  }
  wake.sort((a, b) => a - b);
  roundTrip.sort((a, b) => a - b);

  console.log(`the same 5 durable commits a cycle, straight into better-sqlite3 (WAL, synchronous=FULL): ${limit.toFixed(1)} cycles/s`);
  console.log(`full cycles over HTTP (${WORKERS} concurrent agents, group commit):                    ${cycleRate.toFixed(1)} cycles/s`);
  console.log(`ratio full cycle / raw limit:                                                         ${(cycleRate / limit).toFixed(2)}  (target >= 0.5)`);
  console.log(
    `deciding approval sent -> waiting long-poll returned:           p50 ${percentile(wake, 50).toFixed(2)} ms, p99 ${percentile(wake, 99).toFixed(2)} ms` +
      `  (the approval's own round trip: p50 ${percentile(roundTrip, 50).toFixed(2)} ms, p99 ${percentile(roundTrip, 99).toFixed(2)} ms)`,
  );
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}

await main();
