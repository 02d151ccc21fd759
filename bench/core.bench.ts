// Full approval cycles over HTTP on a durable SQLite file, beside the raw rate of the same
// durable commits made directly with better-sqlite3, and the long-poll wake-up latency.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createIdentityService } from '../src/service/identity-service.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { percentile, startServeProcess } from './support/serve-process.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WORKERS = 8;
const COMMITS_PER_CYCLE = 5; // propose, approve, approve, claim, outcome
const dir = mkdtempSync(join(tmpdir(), 'countersign-bench-'));

const proposal = {
  action: { type: 'sql', command: 'DROP TABLE users', target: { system: 'postgres://prod-db/app', environment: 'production' }, params: {} },
  what: 'Drop the legacy users table',
  why: 'Replaced by accounts in migration 42 (OPS-1234)',
  blast_radius: { resources: ['prod-db/app.users'], critical_path: true, customer_data: true },
  reversibility: { reversible: false, rollback_plan: "restore last night's snapshot" },
  cost_impact_usd: 0,
  urgency: 'triage',
};

/** The limit: one durable transaction per step (a document row and an audit row), nothing else. */
function rawCommitsPerSecond(): number {
  const db = new Database(join(dir, 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE docs (id INTEGER PRIMARY KEY, doc TEXT); CREATE TABLE events (seq INTEGER PRIMARY KEY, data TEXT, hash TEXT)');
  const doc = JSON.stringify({ ...proposal, approvals: [], risk: { classes: ['irreversible'] } });
  const insertDoc = db.prepare('INSERT INTO docs (doc) VALUES (?)');
  const insertEvent = db.prepare('INSERT INTO events (data, hash) VALUES (?, ?)');
  const commit = db.transaction(() => {
    insertDoc.run(doc);
    insertEvent.run(doc, 'f'.repeat(64));
  });
  let n = 0;
  const end = performance.now() + SECONDS * 1000;
  while (performance.now() < end) {
    commit();
    n++;
  }
  db.close();
  return n / SECONDS;
}

async function main() {
  const raw = rawCommitsPerSecond();

  const dbFile = join(dir, 'countersign.db');
  const server = await startServeProcess(['--db', dbFile, '--port', '0']);
  const store = openSqliteStore(dbFile);
  const ids = createIdentityService({ store, clock: Date.now });
  const token = async (name: string, kind: 'human' | 'agent', roles: string[]) => (await ids.add({ name, kind, roles }, 'bench')).token;
  const agent = await token('agent', 'agent', ['proposer']);
  const alice = await token('alice', 'human', ['approver']);
  const bob = await token('bob', 'human', ['approver']);
  await store.close();

  const call = async (method: string, path: string, who: string, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${who}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json as { id: string; action_hash: string; status: string };
  };

  async function cycle() {
    const p = await call('POST', '/v1/proposals', agent, proposal);
    await call('POST', `/v1/proposals/${p.id}/approvals`, alice, { reason: 'checked' });
    await call('POST', `/v1/proposals/${p.id}/approvals`, bob, { reason: 'checked too' });
    await call('POST', `/v1/proposals/${p.id}/execution`, agent, { action_hash: p.action_hash });
    await call('POST', `/v1/proposals/${p.id}/execution/result`, agent, { outcome: 'succeeded' });
  }

  for (let i = 0; i < 20; i++) await cycle(); // warm-up
  let cycles = 0;
  const end = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: WORKERS }, async () => {
      while (performance.now() < end) {
        await cycle();
        cycles++;
      }
    }),
  );
  const cycleRate = cycles / SECONDS;

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

  const limit = raw / COMMITS_PER_CYCLE;
  console.log(`raw durable commits (better-sqlite3, WAL, synchronous=FULL): ${raw.toFixed(0)}/s = ${limit.toFixed(1)} cycles/s at ${COMMITS_PER_CYCLE} commits a cycle`);
  console.log(`full cycles over HTTP (${WORKERS} concurrent agents):           ${cycleRate.toFixed(1)}/s`);
  console.log(`ratio full cycle / raw limit:                                  ${(cycleRate / limit).toFixed(2)}  (target >= 0.5)`);
  console.log(
    `deciding approval sent -> waiting long-poll returned:           p50 ${percentile(wake, 50).toFixed(2)} ms, p99 ${percentile(wake, 99).toFixed(2)} ms` +
      `  (the approval's own round trip: p50 ${percentile(roundTrip, 50).toFixed(2)} ms, p99 ${percentile(roundTrip, 99).toFixed(2)} ms)`,
  );
  server.child.kill();
  rmSync(dir, { recursive: true, force: true });
}

await main();
