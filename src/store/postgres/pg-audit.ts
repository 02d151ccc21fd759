import type { Pool, PoolClient } from 'pg';
import { type AuditLogTx, appendAuditAsync, type LogHead, treeToRestore } from '../../audit/audit-appender.js';
import { frontier, type Hash, type NodeRef, storageIndex } from '../../audit/merkle.js';
import type { AuditEvent, AuditEventInput, AuditEventRow } from '../../domain/audit-event.js';
import type { AuditLogReader, StoredCheckpoint } from '../audit-log-store.js';
import { inTransaction } from './pg-pool.js';

type Queryable = Pick<Pool, 'query'>;

const AUDIT_COLUMNS = 'seq, at, type, proposal_id, actor, reason, data, prev_hash, hash';
/** The columns of an AuditEventRow: data as its stored text. */
const AUDIT_ROW_COLUMNS = 'seq, at, type, proposal_id, actor, reason, data::text, prev_hash, hash';

/** Stored node hashes in the order asked, in one query; undefined where one is missing. */
async function findNodes(db: Queryable, refs: NodeRef[]): Promise<(Hash | undefined)[]> {
  if (refs.length === 0) return [];
  const ids = refs.map(storageIndex);
  const { rows } = await db.query<{ id: number; hash: Buffer }>('SELECT id, hash FROM merkle_nodes WHERE id = ANY($1::bigint[])', [ids]);
  const found = new Map(rows.map((r) => [r.id, r.hash]));
  return ids.map((id) => found.get(id));
}

/** The hashes found for `refs`; throws naming the first that is missing. */
function allFound(refs: NodeRef[], found: (Hash | undefined)[]): Hash[] {
  return refs.map((r, i) => {
    const hash = found[i];
    if (!hash) throw new Error(`Merkle node (${r.level}, ${r.index}) is missing`);
    return hash;
  });
}

/** Reads the log, its Merkle nodes and its checkpoints (tables of schema version 3 on). */
export function pgAuditLogReader(pool: Queryable): AuditLogReader {
  return {
    async auditEventsFor(proposalId) {
      return (await pool.query<AuditEvent>(`SELECT ${AUDIT_COLUMNS} FROM audit_events WHERE proposal_id = $1 ORDER BY seq`, [proposalId])).rows;
    },
    async auditEventsAfter(seq, limit) {
      return (await pool.query<AuditEvent>(`SELECT ${AUDIT_COLUMNS} FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2`, [seq, limit])).rows;
    },
    async auditRowsAfter(seq, limit) {
      const sql = `SELECT ${AUDIT_ROW_COLUMNS} FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2`;
      return (await pool.query<AuditEventRow>({ text: sql, values: [seq, limit], rowMode: 'array' })).rows;
    },
    // A PostgreSQL log is verified on the calling thread only.
    auditRowSource: () => undefined,
    async latestAuditEvent(type) {
      return (await pool.query<AuditEvent>(`SELECT ${AUDIT_COLUMNS} FROM audit_events WHERE type = $1 ORDER BY seq DESC LIMIT 1`, [type])).rows[0];
    },
    async keyEvents(keyIds) {
      if (keyIds.length === 0) return [];
      const sql = `SELECT ${AUDIT_COLUMNS} FROM audit_events WHERE type IN ('key.registered', 'key.revoked') AND data->>'key_id' = ANY($1) ORDER BY seq`;
      return (await pool.query<AuditEvent>(sql, [keyIds])).rows;
    },
    async auditTreeSize() {
      return (await pool.query<{ seq: number }>('SELECT seq FROM audit_head')).rows[0]!.seq;
    },
    async merkleNodes(refs) {
      return allFound(refs, await findNodes(pool, refs));
    },
    async latestCheckpoint() {
      return (await pool.query<StoredCheckpoint>('SELECT * FROM checkpoints ORDER BY tree_size DESC LIMIT 1')).rows[0];
    },
  };
}

const lockHead = async (client: PoolClient): Promise<LogHead> =>
  (await client.query<LogHead>('SELECT seq, hash, frontier FROM audit_head FOR UPDATE')).rows[0]!;

/**
 * The SQL behind the audit appender on PostgreSQL, inside the caller's
 * transaction. The head row stays locked until that transaction ends, so
 * concurrent appends from any replica queue there and the chain is in
 * commit order. Take this lock last: it is the hot one. The write announces
 * `proposalId` on `channel` when the transaction commits.
 */
function pgAuditLogTx(client: PoolClient, channel: string, proposalId: string | null): AuditLogTx<Promise<LogHead>, Promise<void>> {
  return {
    lockHead: () => lockHead(client),
    async write({ records, nodes, head }) {
      // One round trip: insert the events and nodes, move the head, and notify on commit.
      // data goes in as canonical JSON text (json keeps it verbatim), so verification can hash it as stored.
      await client.query(
        `WITH events AS (
           INSERT INTO audit_events (seq, at, type, proposal_id, actor, reason, data, prev_hash, hash)
           SELECT e.seq, e.at, e.type, e.proposal_id, e.actor, e.reason, e.data::json, e.prev_hash, e.hash
           FROM json_to_recordset($1::json) AS e(seq bigint, at text, type text, proposal_id text, actor text, reason text, data text, prev_hash text, hash text)
         ), nodes AS (
           INSERT INTO merkle_nodes (id, hash) SELECT * FROM unnest($6::bigint[], $7::bytea[])
         ), head AS (
           UPDATE audit_head SET seq = $2, hash = $3, frontier = $8::bytea[]
         )
         SELECT CASE WHEN $5::text IS NULL THEN NULL ELSE pg_notify($4, $2 || ' ' || $5) END`,
        [JSON.stringify(records), head.seq, head.hash, channel, proposalId, nodes.map((n) => n.id), nodes.map((n) => n.hash), head.frontier],
      );
    },
  };
}

/** Seals `events` into the log inside the caller's transaction (see pgAuditLogTx). */
export const appendEvents = (client: PoolClient, events: AuditEventInput[], channel: string, proposalId: string | null): Promise<AuditEvent[]> =>
  appendAuditAsync(pgAuditLogTx(client, channel, proposalId), events);

/** Builds the tree over events written before it existed (databases from older versions). */
export async function restoreTree(pool: Pool): Promise<void> {
  const { rows } = await pool.query<{ seq: number; frontier_nodes: number }>('SELECT seq, cardinality(frontier) AS frontier_nodes FROM audit_head');
  // Appends keep the frontier, so it is empty only while the tree was never built.
  if (!rows[0] || rows[0].seq === 0 || rows[0].frontier_nodes > 0) return;
  await inTransaction(pool, async (client) => {
    const head = await lockHead(client);
    const refs = frontier(head.seq);
    const stored = await findNodes(client, refs);
    // Another replica may have built it meanwhile, and then the head has its frontier.
    const tree = treeToRestore(head, () => (stored[0] ? allFound(refs, stored) : undefined));
    if (!tree) return;
    for (let page; (page = await eventHashesAfter(client, tree.size)).length > 0; ) {
      const nodes = tree.grow(page);
      await client.query('INSERT INTO merkle_nodes (id, hash) SELECT * FROM unnest($1::bigint[], $2::bytea[])', [nodes.map((n) => n.id), nodes.map((n) => n.hash)]);
    }
    await client.query('UPDATE audit_head SET frontier = $1::bytea[]', [tree.frontier]);
  });
}

const eventHashesAfter = async (client: PoolClient, seq: number): Promise<string[]> =>
  (await client.query<{ hash: string }>('SELECT hash FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT 10000', [seq])).rows.map((r) => r.hash);
