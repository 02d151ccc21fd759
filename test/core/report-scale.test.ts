import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecisionRecord } from '../../src/domain/change.js';
import { parsePolicy } from '../../src/policy/policy-config.js';
import { createApprovalService } from '../../src/service/approval-service.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { api, manualClock, startTestServer, type TestServer } from '../support/harness.js';
import { newProposal } from '../store/store-fixtures.js';

const DAY = 86_400_000;
const APPROVERS = ['ann', 'ben', 'cat', 'dan', 'eve'];
const DECISIONS = 20_000;
const clock = manualClock();

/** `count` decisions over the 10 days before the clock, written through the store; issued together, they share one commit. */
async function fill(store: Store, count: number): Promise<void> {
  const { proposal, events } = newProposal();
  await store.insertProposal(proposal, events);
  const writes: Promise<unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const identity = APPROVERS[i % APPROVERS.length]!;
    const decision: DecisionRecord = {
      proposal_id: `filled-${i}`,
      identity,
      principal: identity,
      verdict: i % 10 === 0 ? 'reject' : 'approve',
      at: new Date(clock() - 10 * DAY + Math.floor((i * 10 * DAY) / count)).toISOString(),
      review_ms: 1_000 + (i % 600) * 1_000,
      reason: i % 3 === 0 ? 'ok' : 'read the plan and the rollback',
    };
    writes.push(store.updateProposal(proposal.id, (p) => ({ proposal: p, events: [], decision })));
  }
  await Promise.all(writes);
}

/** The store, counting the rows each read gives the report. */
function counting(store: Store) {
  const read = { decisions: 0, tallies: 0 };
  const counted: Store = Object.create(store);
  counted.listDecisions = async (...args) => {
    const rows = await store.listDecisions(...args);
    read.decisions += rows.length;
    return rows;
  };
  counted.approverDayTallies = async (...args) => {
    const rows = await store.approverDayTallies(...args);
    read.tallies += rows.length;
    return rows;
  };
  return { counted, read };
}

describe('the approver report at scale', () => {
  let t: TestServer;
  let auditor: string;

  beforeAll(async () => {
    t = await startTestServer({ clock, policy: 'sweep_interval: 24h' });
    auditor = await t.addIdentity('audrey', 'human', ['auditor']);
    const writer = openSqliteStore(t.dbFile);
    await fill(writer, DECISIONS);
    await writer.close();
  }, 120_000);
  afterAll(() => t.close());

  it('reads one tally per approver, not the decisions, whatever their number', async () => {
    const store = openSqliteStore(t.dbFile);
    try {
      const { counted, read } = counting(store);
      const service = createApprovalService({ store: counted, policy: parsePolicy('{}'), clock });
      const report = await service.approverReport();
      expect(report.approvers.map((a) => a.identity).sort()).toEqual(APPROVERS);
      expect(report.approvers.reduce((n, a) => n + a.decisions, 0)).toBe(DECISIONS);
      // The default window starts mid-day 30 days back, before any decision: that partial day has none to read.
      expect(read).toEqual({ decisions: 0, tallies: APPROVERS.length });

      // A page about one proposal asks for its approvers only.
      const one = await service.approverReport({ identities: ['ben'] });
      expect(one.approvers.map((a) => a.identity)).toEqual(['ben']);
      expect(one.approvers[0]!.decisions).toBe(DECISIONS / APPROVERS.length);

      // A window starting mid-day reads that partial day's decisions, and only those.
      read.decisions = 0;
      const from = new Date(clock() - 2 * DAY + DAY / 2);
      const partialDay = (await store.listDecisions(from.toISOString(), new Date(Math.ceil(from.getTime() / DAY) * DAY).toISOString())).length;
      await service.approverReport({ from: from.toISOString() });
      expect(read.decisions).toBe(partialDay);
      expect(partialDay).toBeLessThan(DECISIONS / 10);
    } finally {
      await store.close();
    }
  });

  it('answers /healthz alongside the heaviest report, and the report counts every decision', async () => {
    const [report, health, ready] = await Promise.all([api(t.url, auditor).get('/v1/reports/approvers'), api(t.url).get('/healthz'), api(t.url).get('/readyz')]);
    expect(health).toMatchObject({ status: 200, body: { ok: true } });
    expect(ready).toMatchObject({ status: 200, body: { ok: true } });
    expect(report.status).toBe(200);
    expect(report.body.approvers.reduce((n: number, a: { decisions: number }) => n + a.decisions, 0)).toBe(DECISIONS);
  });
});
