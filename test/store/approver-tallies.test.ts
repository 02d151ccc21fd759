import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { tallyDecisions, type ApproverTally } from '../../src/domain/approver-stats.js';
import type { DecisionRecord } from '../../src/domain/change.js';
import { MIGRATIONS as PG_MIGRATIONS } from '../../src/store/postgres/pg-schema.js';
import { openPostgresStore } from '../../src/store/postgres/pg-store.js';
import { MIGRATIONS as SQLITE_MIGRATIONS } from '../../src/store/sqlite/sqlite-schema.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { tempDir } from '../support/harness.js';
import { freshSchema, sqlIn, TEST_PG_URL } from '../support/postgres.js';
import { newProposal, T0 } from './store-fixtures.js';
import { STORE_KINDS } from './store-kinds.js';

/** Decisions by three approvers over three days: bursts, rejections, one-word and missing reasons, review times from 0 ms to days. */
function decisions(): DecisionRecord[] {
  const reasons = ['ok', 'checked the backup and the rollback', ' lgtm ', null, 'fine\tby me'];
  const reviews = [0, 7, 999, 1_000, 4_321, 90_000, 123_456, 86_400_123, 2_000];
  const out: DecisionRecord[] = [];
  let at = T0 - 86_400_000;
  for (let i = 0; i < 60; i++) {
    at += [3_000, 40_000, 9_000, 3_600_000, 1][i % 5]!;
    const identity = ['alice', 'bob', 'carol'][i % 7 % 3]!;
    out.push({
      proposal_id: `d-${i}`,
      identity,
      principal: identity,
      verdict: i % 4 === 3 ? 'reject' : 'approve',
      at: new Date(at).toISOString(),
      review_ms: reviews[i % reviews.length]!,
      reason: reasons[i % reasons.length]!,
    });
  }
  return out;
}

const byIdentity = (tallies: ApproverTally[]) => [...tallies].sort((a, b) => a.identity.localeCompare(b.identity));
/** The index of the migration that creates the tallies: a database "from before it" stops just short. */
const tallyMigration = (migrations: string[]) => migrations.findIndex((m) => m.includes('CREATE TABLE approver_days'));

const days = (records: DecisionRecord[]) => [records[0]!.at.slice(0, 10), '2026-12-31'] as const;

/** Writes each decision through the store, as a decision's own transaction does. */
async function decideAll(store: Store, records: DecisionRecord[]) {
  const { proposal, events } = newProposal();
  await store.insertProposal(proposal, events);
  for (const decision of records) await store.updateProposal(proposal.id, (p) => ({ proposal: p, events: [], decision }));
}

for (const kind of STORE_KINDS) {
  describe.skipIf(!kind.available)(`${kind.name} approver tallies`, () => {
    it('keeps per-day tallies with each decision that sum to what the decisions themselves give', async () => {
      const target = await kind.create();
      try {
        const store = await target.open();
        const records = decisions();
        await decideAll(store, records);
        const [from, to] = days(records);
        expect(byIdentity(await store.approverDayTallies(from, to))).toEqual(byIdentity(tallyDecisions(await store.listDecisions())));
        expect(byIdentity(await store.approverDayTallies(from, undefined))).toEqual(byIdentity(tallyDecisions(records)));
        // One approver's tally reads only theirs; a day range only its days.
        const bob = await store.approverDayTallies(from, to, ['bob']);
        expect(bob).toEqual(tallyDecisions(records).filter((t) => t.identity === 'bob'));
        const firstDay = records.filter((r) => r.at.startsWith(from));
        const next = new Date(Date.parse(from) + 86_400_000).toISOString().slice(0, 10);
        const counted = (await store.approverDayTallies(from, next)).reduce((n, t) => n + t.decisions, 0);
        expect(counted).toBe(firstDay.length);
        expect(await store.listDecisions(records[10]!.at, records[20]!.at, ['alice'])).toEqual(records.slice(10, 20).filter((r) => r.identity === 'alice'));
      } finally {
        await target.cleanup();
      }
    });
  });
}

const insertDecision =
  'INSERT INTO decisions (proposal_id, identity, principal, verdict, at, review_ms, reason) VALUES ($1, $2, $3, $4, $5, $6, $7)';
const row = (d: DecisionRecord) => [d.proposal_id, d.identity, d.principal, d.verdict, d.at, d.review_ms, d.reason];

describe('the tally migration', () => {
  const closing: Store[] = [];
  afterEach(async () => {
    await Promise.all(closing.splice(0).map((s) => s.close()));
  });

  it('fills the SQLite tallies from the decisions stored before it', async () => {
    const file = join(tempDir(), 'old.db');
    const db = new Database(file);
    const before = tallyMigration(SQLITE_MIGRATIONS);
    for (const migration of SQLITE_MIGRATIONS.slice(0, before)) db.exec(migration);
    db.pragma(`user_version = ${before}`);
    const insert = db.prepare(insertDecision.replace(/\$\d/g, '?'));
    const records = decisions();
    for (const d of records) insert.run(...row(d));
    db.close();
    const store = openSqliteStore(file);
    closing.push(store);
    const [from, to] = days(records);
    expect(byIdentity(await store.approverDayTallies(from, to))).toEqual(byIdentity(tallyDecisions(records)));
  });

  it.skipIf(!TEST_PG_URL)('fills the PostgreSQL tallies from the decisions stored before it', async () => {
    const url = TEST_PG_URL!;
    const { schema, drop } = await freshSchema(url);
    try {
      const sql = sqlIn(url, schema);
      await sql(`CREATE SCHEMA ${schema}`);
      await sql('CREATE TABLE countersign_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
      for (let v = 0; v < tallyMigration(PG_MIGRATIONS); v++) {
        await sql(PG_MIGRATIONS[v]!);
        await sql('INSERT INTO countersign_migrations (version) VALUES ($1)', [v + 1]);
      }
      const records = decisions();
      for (const d of records) await sql(insertDecision, row(d));
      const store = await openPostgresStore({ url, schema });
      closing.push(store);
      const [from, to] = days(records);
      expect(byIdentity(await store.approverDayTallies(from, to))).toEqual(byIdentity(tallyDecisions(records)));
    } finally {
      await Promise.all(closing.splice(0).map((s) => s.close()));
      await drop();
    }
  });
});
