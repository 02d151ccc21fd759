import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventLeaf } from '../../src/audit/audit-leaf.js';
import { EMPTY_HEAD, sealEvent } from '../../src/audit/hash-chain.js';
import { CompactTree } from '../../src/audit/merkle.js';
import { rootAt } from '../../src/audit/merkle-proofs.js';
import { decide } from '../../src/domain/decide.js';
import { verifyLog } from '../../src/service/audit-service.js';
import { MIGRATIONS } from '../../src/store/postgres/pg-schema.js';
import { openPostgresStore } from '../../src/store/postgres/pg-store.js';
import type { Store } from '../../src/store/store.js';
import { freshSchema, needsPostgres, sqlIn, TEST_PG_URL, uniqueName } from '../support/postgres.js';
import { newProposal, person, T0 } from './store-fixtures.js';

const approve = (name: string) => (p: Parameters<typeof decide>[0]) =>
  decide(p, { verdict: 'approve', actor: person(name), reason: 'ok', now: T0 + 1000 });

/** What only the PostgreSQL store promises: many replicas on one database. */
describe.skipIf(!TEST_PG_URL)(needsPostgres('PostgreSQL store across replicas'), () => {
  const url = TEST_PG_URL!;
  let schema: string;
  let drop: () => Promise<unknown>;
  let sql: ReturnType<typeof sqlIn>;
  const opened: Store[] = [];
  const open = async () => {
    const store = await openPostgresStore({ url, schema });
    opened.push(store);
    return store;
  };

  beforeEach(async () => {
    ({ schema, drop } = await freshSchema(url));
    sql = sqlIn(url, schema);
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
    await drop();
  });

  it('builds the Merkle tree of a database from before it existed, then appends on top of it', async () => {
    await sql(`CREATE SCHEMA ${schema}`);
    await sql(`CREATE TABLE countersign_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    await sql(MIGRATIONS[0]!);
    await sql('INSERT INTO countersign_migrations (version) VALUES (1)');
    let head = EMPTY_HEAD;
    const tree = new CompactTree();
    for (let i = 0; i < 23; i++) {
      const e = sealEvent(head, { at: new Date(T0 + i).toISOString(), type: 'identity.created', proposal_id: null, actor: 'cli', reason: null, data: { i } });
      await sql('INSERT INTO audit_events (seq, at, type, proposal_id, actor, reason, data, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)', [
        e.seq, e.at, e.type, e.proposal_id, e.actor, e.reason, JSON.stringify(e.data), e.prev_hash, e.hash,
      ]);
      tree.push(eventLeaf(e));
      head = e;
    }
    await sql('UPDATE audit_head SET seq = $1, hash = $2', [head.seq, head.hash]);
    const store = await open();
    expect((await rootAt((refs) => store.merkleNodes(refs), 23)).equals(tree.root())).toBe(true);
    const { proposal, events } = newProposal();
    await store.insertProposal(proposal, events);
    for (const e of await store.auditEventsFor(proposal.id)) tree.push(eventLeaf(e));
    expect((await rootAt((refs) => store.merkleNodes(refs), tree.size)).equals(tree.root())).toBe(true);
    expect(await verifyLog(store)).toMatchObject({ ok: true, events: tree.size });
  });

  it('runs the migrations once when four replicas start together', async () => {
    await Promise.all([open(), open(), open(), open()]);
    const rows = await sql('SELECT version FROM countersign_migrations');
    expect(rows).toEqual(MIGRATIONS.map((_, i) => ({ version: i + 1 })));
  });

  it('refuses UPDATE, DELETE and TRUNCATE of the audit log and its Merkle nodes with an error naming the table', async () => {
    const store = await open();
    const { proposal, events } = newProposal();
    await store.insertProposal(proposal, events);
    await expect(sql("UPDATE audit_events SET reason = 'edited'")).rejects.toThrow('audit_events is append-only: UPDATE refused');
    await expect(sql('DELETE FROM audit_events')).rejects.toThrow('audit_events is append-only: DELETE refused');
    await expect(sql('TRUNCATE audit_events')).rejects.toThrow('audit_events is append-only: TRUNCATE refused');
    expect(await sql('SELECT count(*)::int AS n FROM audit_events')).toEqual([{ n: 1 }]);
    await expect(sql("UPDATE merkle_nodes SET hash = '\\x00'")).rejects.toThrow('merkle_nodes is append-only: UPDATE refused');
    await expect(sql('DELETE FROM merkle_nodes')).rejects.toThrow('merkle_nodes is append-only: DELETE refused');
    await expect(sql('TRUNCATE merkle_nodes')).rejects.toThrow('merkle_nodes is append-only: TRUNCATE refused');
    expect(await sql('SELECT count(*)::int AS n FROM merkle_nodes')).toEqual([{ n: 1 }]);
  });

  it('serves from a login in the least-privilege role, which can append to the log but never change it', async () => {
    await open();
    const login = uniqueName('cs_login');
    await sql(`CREATE ROLE ${login} LOGIN IN ROLE countersign_app`);
    try {
      const asServer = new URL(url);
      asServer.username = login;
      const store = await openPostgresStore({ url: asServer.toString(), schema });
      opened.push(store);
      const { proposal, events } = newProposal();
      await store.insertProposal(proposal, events);
      await store.updateProposal(proposal.id, approve('alice'));
      expect(await verifyLog(store)).toEqual({ ok: true, events: 2 });
      const client = new pg.Client({ connectionString: asServer.toString(), options: `-c search_path=${schema}` });
      await client.connect();
      try {
        await expect(client.query("UPDATE audit_events SET reason = 'edited'")).rejects.toThrow(/permission denied for table audit_events/);
        await expect(client.query('DELETE FROM audit_events')).rejects.toThrow(/permission denied for table audit_events/);
        await expect(client.query('TRUNCATE audit_events')).rejects.toThrow(/permission denied for table audit_events/);
      } finally {
        await client.end();
      }
    } finally {
      await Promise.all(opened.splice(0).map((s) => s.close()));
      await sql(`DROP ROLE ${login}`);
    }
  });

  it("wakes a listener on another replica with the commit's NOTIFY", async () => {
    const [a, b] = [await open(), await open()];
    const { proposal, events } = newProposal();
    // Nothing polls: only the NOTIFY sent with the commit can resolve this.
    const heard = new Promise<number>((resolve) => b.onProposalChange((id) => id === proposal.id && resolve(performance.now())));
    await a.insertProposal(proposal, events);
    const committed = performance.now();
    const wokenAt = await heard;
    console.log(`listener on the other handle woken ${(wokenAt - committed).toFixed(1)} ms after the commit returned`);
    expect(await b.getProposal(proposal.id)).toMatchObject({ id: proposal.id });
  });

  it('replays changes it missed while its listening connection was down', async () => {
    const [a, b] = [await open(), await open()];
    const heard: string[] = [];
    b.onProposalChange((id) => heard.push(id));
    const killed = await sql("SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE query LIKE 'LISTEN %' AND query LIKE $1", [`%${schema}%`]);
    expect(killed).toEqual([{ ok: true }, { ok: true }]);
    // Let both listeners see their connection end before the change commits.
    await new Promise((r) => setTimeout(r, 100));
    const { proposal, events } = newProposal();
    await a.insertProposal(proposal, events);
    await expect.poll(() => heard, { timeout: 20_000, interval: 50 }).toContain(proposal.id);
  });
});
