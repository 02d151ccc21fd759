// Full approval cycles per second on PostgreSQL with one and with two real
// `countersign serve` replicas, beside the raw commit rate of the same
// database measured in the same run. A cycle is propose, two approvals, claim
// and outcome over HTTP: five committed transactions, each with its audit events.
import pg from 'pg';
import { createIdentityService } from '../src/service/identity-service.js';
import { openPostgresStore } from '../src/store/postgres/pg-store.js';
import { call, proposalBody } from '../test/replicas/race-client.js';
import { freePort, policyFile, type Replica, startReplica } from '../test/support/serve-process.js';

const BASE_URL = process.env.COUNTERSIGN_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SECONDS = Number(process.env.COUNTERSIGN_BENCH_SECONDS ?? 4);
// The machine is shared: rounds alternate the four measurements, and medians are reported.
const ROUNDS = Number(process.env.COUNTERSIGN_BENCH_ROUNDS ?? 3);
const IN_FLIGHT = 16;

async function admin(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Runs `op` from IN_FLIGHT loops for SECONDS after a one-second warm-up; returns completions per second. */
async function rate(op: () => Promise<void>, inFlight = IN_FLIGHT): Promise<number> {
  let counting = false;
  let done = 0;
  let stop = false;
  const loop = async () => {
    while (!stop) {
      await op();
      if (counting) done++;
    }
  };
  const loops = Array.from({ length: inFlight }, loop);
  await new Promise((r) => setTimeout(r, 1000));
  counting = true;
  const start = performance.now();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const elapsed = (performance.now() - start) / 1000;
  const counted = done;
  stop = true;
  await Promise.all(loops);
  return counted / elapsed;
}

async function rawCommitRate(url: string, inFlight: number): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: inFlight });
  await pool.query('CREATE TABLE IF NOT EXISTS raw_commits (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), note text)');
  const result = await rate(async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query("INSERT INTO raw_commits (note) VALUES ('x')");
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  }, inFlight);
  await pool.end();
  return result;
}

async function cycleRate(urls: string[], tokens: Record<string, string>): Promise<number> {
  let n = 0;
  const must = (reply: { status: number }, status: number, what: string) => {
    if (reply.status !== status) throw new Error(`${what}: HTTP ${reply.status}`);
  };
  return rate(async () => {
    const i = n++;
    const at = (k: number) => urls[(i + k) % urls.length]!;
    const proposed = await call(at(0), tokens.deployer!, 'POST', '/v1/proposals', proposalBody(i));
    must(proposed, 201, 'propose');
    const id = proposed.body.id as string;
    must(await call(at(1), tokens.alice!, 'POST', `/v1/proposals/${id}/approvals`, { reason: 'reviewed' }), 201, 'approve');
    must(await call(at(0), tokens.bob!, 'POST', `/v1/proposals/${id}/approvals`, { reason: 'reviewed' }), 201, 'approve');
    must(await call(at(1), tokens.deployer!, 'POST', `/v1/proposals/${id}/execution`, { action_hash: proposed.body.action_hash }), 200, 'claim');
    must(await call(at(0), tokens.deployer!, 'POST', `/v1/proposals/${id}/execution/result`, { outcome: 'succeeded' }), 200, 'outcome');
  });
}

async function main(): Promise<void> {
  try {
    await admin(BASE_URL, 'SELECT 1');
  } catch (error) {
    console.log(`skipped: no PostgreSQL at ${BASE_URL.replace(/\/\/[^@]*@/, '//')} (${(error as Error).message}); set COUNTERSIGN_BENCH_PG_URL`);
    return;
  }
  const scratch = `countersign_bench_${process.pid}`;
  await admin(BASE_URL, `CREATE DATABASE ${scratch}`);
  const url = new URL(BASE_URL);
  url.pathname = `/${scratch}`;
  const dbUrl = url.toString();
  const replicas: Replica[] = [];
  try {
    const store = await openPostgresStore({ url: dbUrl });
    const identities = createIdentityService({ store, clock: Date.now });
    const tokens: Record<string, string> = {};
    tokens.deployer = (await identities.add({ name: 'deployer', kind: 'human', roles: ['proposer'] }, 'bench')).token;
    for (const name of ['alice', 'bob']) tokens[name] = (await identities.add({ name, kind: 'human', roles: ['approver'] }, 'bench')).token;
    await store.close();

    const policy = policyFile('{}');
    for (let i = 0; i < 2; i++) replicas.push(await startReplica({ databaseUrl: dbUrl, port: await freePort(), policy }));
    const runs = { raw: [] as number[], serial: [] as number[], one: [] as number[], two: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      runs.raw.push(await rawCommitRate(dbUrl, IN_FLIGHT));
      runs.serial.push(await rawCommitRate(dbUrl, 1));
      runs.one.push(await cycleRate([replicas[0]!.url], tokens));
      runs.two.push(await cycleRate(replicas.map((r) => r.url), tokens));
    }
    const [raw, serial, one, two] = [runs.raw, runs.serial, runs.one, runs.two].map(median) as [number, number, number, number];
    const line = (label: string, cycles: number, all: number[]) =>
      `  full cycles, ${label}: ${cycles.toFixed(1)} cycles/s (rounds: ${all.map((x) => x.toFixed(1)).join(', ')}) = ${(cycles * 5).toFixed(0)} commits/s; ` +
      `cycles per raw commit ${(cycles / raw).toFixed(4)}, commits ${((cycles * 5 * 100) / raw).toFixed(1)}% of raw, ${((cycles * 5 * 100) / serial).toFixed(0)}% of one-at-a-time`;
    console.log(`PostgreSQL, ${IN_FLIGHT} in flight, median of ${ROUNDS} rounds of ${SECONDS} s (a cycle = 5 commits: propose, 2 approvals, claim, outcome)`);
    console.log(`  raw commit rate, 1-row INSERT transactions: ${raw.toFixed(0)} commits/s with ${IN_FLIGHT} in flight, ${serial.toFixed(0)} commits/s one at a time`);
    console.log(line('1 replica ', one, runs.one));
    console.log(line('2 replicas', two, runs.two));
  } finally {
    await Promise.all(replicas.map((r) => r.stop()));
    await admin(BASE_URL, `DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

await main();
