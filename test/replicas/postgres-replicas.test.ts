import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../src/domain/audit-event.js';
import type { Proposal } from '../../src/domain/proposal.js';
import { createIdentityService } from '../../src/service/identity-service.js';
import { openPostgresStore } from '../../src/store/postgres/pg-store.js';
import type { Store } from '../../src/store/store.js';
import { readOnlyProposal } from '../support/harness.js';
import { freshDatabase, needsPostgres, TEST_PG_URL } from '../support/postgres.js';
import { call, callAny, inParallel, proposalBody, type Reply } from './race-client.js';
import { freePort, policyFile, type Replica, startReplica } from '../support/serve-process.js';

const BIN = fileURLToPath(new URL('../../bin/countersign.js', import.meta.url));
const cli = promisify(execFile);
const APPROVERS = ['alice', 'bob', 'carol'];
const EXECUTORS = Array.from({ length: 8 }, (_, i) => `executor-${i}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Two real `countersign serve` processes on one PostgreSQL database, raced
 * through HTTP the way agents and approvers would use them.
 */
describe.skipIf(!TEST_PG_URL)(needsPostgres('PostgreSQL replicas racing over HTTP'), () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let store: Store;
  let replicas: Replica[];
  const tokens: Record<string, string> = {};
  const policy = policyFile('timeouts: { triage: 1s }\nsweep_interval: 200ms\n');

  beforeAll(async () => {
    db = await freshDatabase(TEST_PG_URL!);
    const ports = [await freePort(), await freePort()];
    // Both start at once on an empty database: migrations and the admin bootstrap race too.
    replicas = await Promise.all(ports.map((port) => startReplica({ databaseUrl: db.url, port, policy })));
    store = await openPostgresStore({ url: db.url });
    const identities = createIdentityService({ store, clock: Date.now });
    const add = async (name: string, roles: string[]) => (tokens[name] = (await identities.add({ name, kind: 'human', roles }, 'test')).token);
    await add('deployer', ['proposer']);
    for (const name of APPROVERS) await add(name, ['approver']);
    for (const name of EXECUTORS) await add(name, ['executor']);
  }, 60_000);

  afterAll(async () => {
    await Promise.all((replicas ?? []).map((r) => r.stop()));
    await store?.close();
    await db?.drop();
  });

  const urls = () => replicas.map((r) => r.url);
  const eventsOf = (id: string) => store.auditEventsFor(id);
  const count = (events: AuditEvent[], type: string) => events.filter((e) => e.type === type).length;

  async function verifyWithCli() {
    const { stdout } = await cli(process.execPath, [BIN, 'audit', 'verify', '--database-url', db.url, '--json']);
    return JSON.parse(stdout) as { ok: boolean; events: number };
  }

  it('creates admin once although both replicas started on an empty database', async () => {
    const created = replicas.flatMap((r) => r.output).filter((line) => line.startsWith('Created identity "admin"'));
    expect(created).toHaveLength(1);
    const log = await store.auditEventsAfter(0, 10);
    expect(log.filter((e) => e.type === 'identity.created' && e.data.name === 'admin')).toHaveLength(1);
  });

  it('races 100 proposals, three approvers and eight claimers each, over both replicas, as one process would', async () => {
    const wakeLags: number[] = [];
    const WAIT_S = 60;
    const cycles = await inParallel(100, 20, async (n) => {
      const [a, b] = urls() as [string, string];
      const proposed = await call<Proposal>(n % 2 ? b : a, tokens.deployer!, 'POST', '/v1/proposals', proposalBody(n));
      expect(proposed.status).toBe(201);
      const id = proposed.body.id;
      // One waiter on each replica: whichever takes the deciding approval, one waiter is across.
      const waitStarted = performance.now();
      const waiters = [a, b].map((base) => call<Proposal>(base, tokens.deployer!, 'GET', `/v1/proposals/${id}/decision?wait=${WAIT_S}`));
      await sleep(150);
      const approvals = await Promise.all(
        APPROVERS.map((name, i) => call<Proposal>([a, b][(n + i) % 2]!, tokens[name]!, 'POST', `/v1/proposals/${id}/approvals`, { reason: 'reviewed' })),
      );
      const claims = await Promise.all(
        EXECUTORS.map((name, i) =>
          call(i % 2 ? b : a, tokens[name]!, 'POST', `/v1/proposals/${id}/execution`, { action_hash: proposed.body.action_hash }),
        ),
      );
      const woken = await Promise.all(waiters);
      const deciding = approvals.find((r) => r.status === 201 && r.body.status === 'approved');
      if (deciding) for (const w of woken) wakeLags.push(w.at - deciding.at);
      return { id, approvals, claims, woken, waitStarted };
    });

    for (const { id, approvals, claims, woken, waitStarted } of cycles) {
      expect(approvals.map((r) => r.status).sort()).toEqual([201, 201, 409]);
      expect(claims.filter((r) => r.status === 200)).toHaveLength(1);
      expect(claims.filter((r) => r.status === 409)).toHaveLength(7);
      expect(woken.map((w) => [w.status, w.body.status])).toEqual([[200, 'approved'], [200, 'approved']]);
      // Answered before its own wait ran out: woken by the decision, not by the timeout (no polling exists to do it).
      for (const w of woken) expect(w.at - waitStarted).toBeLessThan(WAIT_S * 1000);
      const final = (await store.getProposal(id))!;
      expect(final.approvals).toHaveLength(2);
      expect(final.execution.state).toBe('claimed');
      const events = await eventsOf(id);
      expect(count(events, 'approval.recorded')).toBe(2);
      expect(count(events, 'proposal.approved')).toBe(1);
      expect(count(events, 'execution.claimed')).toBe(1);
      expect(count(events, 'attempt.refused')).toBe(8);
    }
    console.log(`wake-up after the deciding approval's response: median ${median(wakeLags).toFixed(1)} ms, max ${Math.max(...wakeLags).toFixed(1)} ms`);
    const verified = await verifyWithCli();
    expect(verified.ok).toBe(true);
    const seqs = (await store.auditEventsAfter(0, 100_000)).map((e) => e.seq);
    expect(seqs).toEqual(Array.from({ length: verified.events }, (_, i) => i + 1));
  }, 180_000);

  it('wakes a waiter on one replica when the deciding approval lands on the other, long before its wait ends', async () => {
    const lags: number[] = [];
    const WAIT_S = 30;
    for (let n = 0; n < 20; n++) {
      const [a, b] = urls() as [string, string];
      const proposed = await call<Proposal>(a, tokens.deployer!, 'POST', '/v1/proposals', proposalBody(500 + n));
      const id = proposed.body.id;
      expect((await call(b, tokens.alice!, 'POST', `/v1/proposals/${id}/approvals`, { reason: 'reviewed' })).status).toBe(201);
      const waitStarted = performance.now();
      const waiter = call<Proposal>(a, tokens.deployer!, 'GET', `/v1/proposals/${id}/decision?wait=${WAIT_S}`);
      await sleep(100);
      const deciding = await call<Proposal>(b, tokens.bob!, 'POST', `/v1/proposals/${id}/approvals`, { reason: 'reviewed' });
      const woken = await waiter;
      expect([deciding.body.status, woken.body.status]).toEqual(['approved', 'approved']);
      // The only way a replica learns of the other's commit before the wait ends is its NOTIFY.
      expect(woken.at - waitStarted).toBeLessThan(WAIT_S * 1000);
      lags.push(woken.at - deciding.at);
    }
    // How fast is measured, not asserted: on busy shared cores a threshold would fail for reasons other than a bug.
    console.log(`cross-replica wake-up, one at a time: median ${median(lags).toFixed(1)} ms, max ${Math.max(...lags).toFixed(1)} ms`);
  }, 60_000);

  it('expires each overdue proposal exactly once while both replicas sweep', async () => {
    const ids = await inParallel(20, 10, async (n) => {
      const reply = await call<Proposal>(urls()[n % 2]!, tokens.deployer!, 'POST', '/v1/proposals', { ...proposalBody(1000 + n), urgency: 'triage' });
      return reply.body.id;
    });
    await expect
      .poll(async () => (await Promise.all(ids.map((id) => store.getProposal(id)))).every((p) => p?.status === 'expired'), { timeout: 15_000, interval: 200 })
      .toBe(true);
    await sleep(1000); // several more sweeps on each replica
    for (const id of ids) expect(count(await eventsOf(id), 'proposal.expired')).toBe(1);
    const announced = replicas.flatMap((r) => r.output).filter((l) => l.startsWith('Expired ')).flatMap((l) => l.split(': ')[1]!.split(', '));
    expect(announced.filter((id) => ids.includes(id)).sort()).toEqual([...ids].sort());
    expect((await verifyWithCli()).ok).toBe(true);
  }, 60_000);

  it('answers audit chain and export straight from the database with --database-url', async () => {
    const proposed = await call<Proposal>(urls()[1]!, tokens.deployer!, 'POST', '/v1/proposals', readOnlyProposal());
    expect(proposed.body.status).toBe('approved');
    const chain = await cli(process.execPath, [BIN, 'audit', 'chain', proposed.body.id, '--database-url', db.url, '--json']);
    const events = JSON.parse(chain.stdout).events as AuditEvent[];
    expect(events.map((e) => e.type)).toEqual(['proposal.created', 'proposal.approved_by_policy']);
    expect(events).toEqual(await eventsOf(proposed.body.id));
    const exported = await cli(process.execPath, [BIN, 'audit', 'export', '--format', 'jsonl', '--database-url', db.url], { maxBuffer: 64 << 20 });
    const lines = exported.stdout.trim().split('\n').map((l) => JSON.parse(l) as AuditEvent);
    expect(lines.map((e) => e.seq)).toEqual(Array.from({ length: lines.length }, (_, i) => i + 1));
    expect(lines.length).toBe((await verifyWithCli()).events);
  }, 60_000);

  it('loses nothing acknowledged when a replica is killed and restarted mid-race', async () => {
    const acknowledged = { proposals: [] as string[], approvals: [] as [string, string][], claims: [] as [string, string][] };
    let finished = 0;
    const restart = (async () => {
      while (finished < 10) await sleep(20);
      const victim = replicas[1]!;
      await victim.kill();
      replicas[1] = await startReplica({ databaseUrl: db.url, port: victim.port, policy });
    })();
    const ack = (reply: Reply, ok: number) => reply.status === ok;

    const cycles = await inParallel(40, 10, async (n) => {
      const proposed = await callAny<Proposal>(n % 2 ? [urls()[1]!, urls()[0]!] : urls(), tokens.deployer!, 'POST', '/v1/proposals', proposalBody(2000 + n));
      expect(proposed.status).toBe(201);
      const id = proposed.body.id;
      acknowledged.proposals.push(id);
      const waiter = callAny<Proposal>([urls()[1 - (n % 2)]!, urls()[n % 2]!], tokens.deployer!, 'GET', `/v1/proposals/${id}/decision?wait=60`);
      const approvals = await Promise.all(
        APPROVERS.map(async (name, i) => {
          const order = (n + i) % 2 ? [urls()[1]!, urls()[0]!] : urls();
          const reply = await callAny<Proposal>(order, tokens[name]!, 'POST', `/v1/proposals/${id}/approvals`, { reason: 'reviewed' });
          if (ack(reply, 201)) acknowledged.approvals.push([id, name]);
          return reply;
        }),
      );
      const claims = await Promise.all(
        EXECUTORS.map(async (name, i) => {
          const reply = await callAny(i % 2 ? [urls()[1]!, urls()[0]!] : urls(), tokens[name]!, 'POST', `/v1/proposals/${id}/execution`, {
            action_hash: proposed.body.action_hash,
          });
          if (ack(reply, 200)) acknowledged.claims.push([id, name]);
          return reply;
        }),
      );
      finished++;
      return { id, approvals, claims, woken: await waiter };
    });
    await restart;

    expect(cycles.flatMap((c) => [...c.approvals, ...c.claims]).some((r) => r.attempts.length > 1)).toBe(true);
    for (const id of acknowledged.proposals) expect(await store.getProposal(id)).toBeDefined();
    for (const [id, name] of acknowledged.approvals) {
      expect((await store.getProposal(id))!.approvals.map((a) => a.identity)).toContain(name);
    }
    for (const { id, woken } of cycles) {
      const final = (await store.getProposal(id))!;
      expect(final.status).toBe('approved');
      expect(final.approvals).toHaveLength(2);
      expect(woken.body.status).toBe('approved');
      const granted = acknowledged.claims.filter(([claimed]) => claimed === id);
      expect(granted.length).toBeLessThanOrEqual(1);
      expect(count(await eventsOf(id), 'execution.claimed')).toBe(1);
      if (granted[0]) expect(final.execution.claimed_by).toBe(granted[0][1]);
    }
    expect((await verifyWithCli()).ok).toBe(true);
  }, 180_000);
});

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}
