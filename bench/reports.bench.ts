// Reports and pages at scale: fills BENCH_PROPOSALS decided proposals (default 1,000,000, two
// approvals each) into a SQLite file at the schema before the approver tallies, lets the store's
// migration build the tallies from them, then times over HTTP the approvers report (default
// 30-day window, every decision in it), a decided proposal's UI page, and /healthz while reports
// run back to back, beside the baseline of one proposal read; and the server's RSS.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { decide } from '../src/domain/decide.js';
import { MIGRATIONS } from '../src/store/sqlite/sqlite-schema.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { newProposal, person } from '../test/store/store-fixtures.js';
import { addIdentity } from '../test/support/identities.js';
import { startServe } from '../test/support/serve-process.js';
import { signIn } from '../test/support/ui-forms.js';
import { percentile } from './percentile.js';

const PROPOSALS = Number(process.env.BENCH_PROPOSALS ?? 1_000_000);
const APPROVERS = Array.from({ length: 20 }, (_, i) => `approver-${i}`);
const DAY = 86_400_000;
const dir = mkdtempSync(join(tmpdir(), 'countersign-bench-'));
const dbFile = join(dir, 'countersign.db');

/** Decided proposals over the last 29 days, written straight into the file in one transaction. */
function fill(): void {
  const db = new Database(dbFile);
  db.pragma('journal_mode = WAL');
  const before = MIGRATIONS.length - 1;
  for (const migration of MIGRATIONS.slice(0, before)) db.exec(migration);
  db.pragma(`user_version = ${before}`);
  // One decided proposal, copied with its own id, times and approvers for each row.
  let decided = newProposal().proposal;
  decided = decide(decided, { verdict: 'approve', actor: person('x'), reason: 'checked the plan', now: Date.now() }).proposal;
  decided = decide(decided, { verdict: 'approve', actor: person('y'), reason: 'ok', now: Date.now() }).proposal;
  const insertProposal = db.prepare("INSERT INTO proposals (id, status, created_at, expires_at, doc) VALUES (?, 'approved', ?, ?, ?)");
  const insertDecision = db.prepare("INSERT INTO decisions (proposal_id, identity, principal, verdict, at, review_ms, reason) VALUES (?, ?, ?, 'approve', ?, ?, ?)");
  const now = Date.now();
  db.transaction(() => {
    for (let i = 0; i < PROPOSALS; i++) {
      const created = now - 29 * DAY + Math.floor((i * 29 * DAY) / PROPOSALS);
      const [a, b] = [APPROVERS[i % 20]!, APPROVERS[(i + 7) % 20]!];
      const id = `bench-${i}`;
      const [first, second] = decided.approvals;
      const p = {
        ...decided,
        id,
        created_at: new Date(created).toISOString(),
        expires_at: new Date(created + 30 * 60_000).toISOString(),
        decided_at: new Date(created + 90_000 + (i % 300) * 1000).toISOString(),
        approvals: [
          { ...first!, identity: a, principal: a, at: new Date(created + 60_000).toISOString() },
          { ...second!, identity: b, principal: b, at: new Date(created + 90_000 + (i % 300) * 1000).toISOString() },
        ],
      };
      insertProposal.run(id, p.created_at, p.expires_at, JSON.stringify(p));
      insertDecision.run(id, a, a, new Date(created + 60_000).toISOString(), 60_000, 'checked the plan');
      insertDecision.run(id, b, b, new Date(created + 90_000 + (i % 300) * 1000).toISOString(), 90_000 + (i % 300) * 1000, 'ok');
    }
  })();
  db.close();
}

async function timed(n: number, call: (i: number) => Promise<Response>): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    const response = await call(i);
    await response.text();
    if (!response.ok) throw new Error(`${response.url}: ${response.status}`);
    ms.push(performance.now() - start);
  }
  return ms.sort((a, b) => a - b);
}

const rss = (pid: number) => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)![1]) / 1024;
  return `RSS ${kb('VmRSS').toFixed(0)} MB, peak ${kb('VmHWM').toFixed(0)} MB`;
};

async function main() {
  let start = performance.now();
  fill();
  console.log(`filled ${PROPOSALS} decided proposals, ${2 * PROPOSALS} decisions, in ${((performance.now() - start) / 1000).toFixed(1)} s`);
  start = performance.now();
  await openSqliteStore(dbFile).close(); // the migration builds the tallies from the decisions
  console.log(`migration: approver tallies built from the decisions in ${((performance.now() - start) / 1000).toFixed(1)} s`);
  const auditor = await addIdentity(dbFile, 'audrey', 'human', ['auditor']);
  const server = await startServe(['--db', dbFile, '--port', '0']);
  try {
    const bearer = { headers: { authorization: `Bearer ${auditor}` } };
    const { cookie } = await signIn(server.url, auditor);
    const pick = (i: number) => `bench-${(i * 7919) % PROPOSALS}`;
    const one = await timed(50, (i) => fetch(`${server.url}/v1/proposals/${pick(i)}`, bearer));
    const report = await timed(20, () => fetch(`${server.url}/v1/reports/approvers`, bearer));
    const page = await timed(50, (i) => fetch(`${server.url}/proposals/${pick(i)}`, { headers: { cookie } }));
    // Liveness while reports run back to back from four clients.
    let running = true;
    const load = Array.from({ length: 4 }, async () => {
      while (running) await (await fetch(`${server.url}/v1/reports/approvers`, bearer)).text();
    });
    const health = await timed(100, () => fetch(`${server.url}/healthz`));
    running = false;
    await Promise.all(load);
    const base = percentile(one, 50);
    const line = (name: string, ms: number[]) =>
      `${name.padEnd(58)} p50 ${percentile(ms, 50).toFixed(1).padStart(7)} ms, p99 ${percentile(ms, 99).toFixed(1).padStart(7)} ms = ${(percentile(ms, 50) / base).toFixed(1)} x one proposal read`;
    console.log(`one proposal read, GET /v1/proposals/:id (baseline):${' '.repeat(6)} p50 ${base.toFixed(1).padStart(7)} ms, p99 ${percentile(one, 99).toFixed(1).padStart(7)} ms`);
    console.log(line('approvers report, 30-day window, GET /v1/reports/approvers', report));
    console.log(line("a decided proposal's page (auditor), GET /proposals/:id", page));
    console.log(line('/healthz while 4 clients fetch the report back to back', health));
    console.log(`server at ${PROPOSALS} proposals after all of the above: ${rss(server.child.pid!)}  (target < 200 ms each, < 200 MB)`);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
