import type { Pool, PoolClient } from 'pg';
import { eventLeaf } from '../../audit/audit-leaf.js';
import { canonicalJson } from '../../audit/canonical-json.js';
import { appendLeaves, type Hash, type NodeRef, storageIndex } from '../../audit/merkle.js';
import type { AuditEvent, AuditEventInput } from '../../domain/audit-event.js';
import { type ChainHead, sealEvent } from '../../audit/hash-chain.js';
import { inTransaction } from './pg-pool.js';

interface HeadRow extends ChainHead {
  frontier: Buffer[];
}

/**
 * Seals `events` after the chain's head, writes the Merkle nodes they
 * complete, and announces `proposalId` on `channel`, inside the caller's
 * transaction. The head row stays locked until that transaction ends, so
 * concurrent appends from any replica queue here and the chain is in commit
 * order. Take this lock last: it is the hot one.
 */
export async function appendEvents(client: PoolClient, events: AuditEventInput[], channel: string, proposalId: string | null): Promise<void> {
  if (events.length === 0) return;
  const { rows } = await client.query<HeadRow>('SELECT seq, hash, frontier FROM audit_head FOR UPDATE');
  const start = rows[0]!;
  let head: ChainHead = start;
  const sealed: AuditEvent[] = [];
  for (const input of events) {
    const event = sealEvent(head, input);
    sealed.push(event);
    head = event;
  }
  const tree = appendLeaves(start.seq, start.frontier, sealed.map(eventLeaf));
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
    [
      JSON.stringify(sealed.map((e) => ({ ...e, data: canonicalJson(e.data) }))), head.seq, head.hash, channel, proposalId,
      tree.nodes.map(storageIndex), tree.nodes.map((n) => n.hash), tree.frontier,
    ],
  );
}

/** Hashes of complete subtrees, in the order asked, in one query. */
export async function readNodes(pool: Pool, refs: NodeRef[]): Promise<Hash[]> {
  if (refs.length === 0) return [];
  const ids = refs.map(storageIndex);
  const { rows } = await pool.query<{ id: number; hash: Buffer }>('SELECT id, hash FROM merkle_nodes WHERE id = ANY($1::bigint[])', [ids]);
  const found = new Map(rows.map((r) => [r.id, r.hash]));
  return refs.map((r, i) => {
    const hash = found.get(ids[i]!);
    if (!hash) throw new Error(`Merkle node (${r.level}, ${r.index}) is missing`);
    return hash;
  });
}

/** Builds the tree over events written before it existed (databases from older versions). */
export async function backfillMerkle(pool: Pool): Promise<void> {
  const { rows } = await pool.query<{ seq: number; frontier_nodes: number }>(
    'SELECT seq, cardinality(frontier) AS frontier_nodes FROM audit_head',
  );
  // Appends keep the frontier, so it is empty only while the tree was never built.
  if (!rows[0] || rows[0].seq === 0 || rows[0].frontier_nodes > 0) return;
  await inTransaction(pool, async (client) => {
    const head = (await client.query<HeadRow>('SELECT seq, hash, frontier FROM audit_head FOR UPDATE')).rows[0]!;
    if (head.frontier.length > 0) return; // another replica built it meanwhile
    let size = 0;
    let front: Hash[] = [];
    while (size < head.seq) {
      const page = (await client.query<{ hash: string }>('SELECT hash FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT 10000', [size])).rows;
      const tree = appendLeaves(size, front, page.map(eventLeaf));
      await client.query('INSERT INTO merkle_nodes (id, hash) SELECT * FROM unnest($1::bigint[], $2::bytea[])', [
        tree.nodes.map(storageIndex), tree.nodes.map((n) => n.hash),
      ]);
      front = tree.frontier;
      size += page.length;
    }
    await client.query('UPDATE audit_head SET frontier = $1::bytea[]', [front]);
  });
}

interface AuditRow extends Omit<AuditEvent, 'data'> {
  data: Record<string, unknown>;
}

export const AUDIT_COLUMNS = 'seq, at, type, proposal_id, actor, reason, data, prev_hash, hash';
/** The columns of an AuditEventRow: data as its stored text. */
export const AUDIT_ROW_COLUMNS = 'seq, at, type, proposal_id, actor, reason, data::text, prev_hash, hash';
export const toEvent = (row: AuditRow): AuditEvent => row;
