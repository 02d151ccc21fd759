import type Database from 'better-sqlite3';
import { type AuditLogTx, appendAudit, type LogHead, type SealedAppend, treeToRestore } from '../../audit/audit-appender.js';
import { frontier, type Hash, type NodeRef, storageIndex } from '../../audit/merkle.js';
import type { AuditEvent, AuditEventInput, AuditEventRow } from '../../domain/audit-event.js';
import type { AuditLogReader, StoredCheckpoint } from '../audit-log-store.js';
import { ROWS_AFTER } from './sqlite-audit-rows.js';
import { moduleBeside } from '../../audit/thread-module.js';

interface AuditRow extends Omit<AuditEvent, 'data'> {
  data: string;
}
const toEvent = (row: AuditRow): AuditEvent => ({ ...row, data: JSON.parse(row.data) });

type NodeStatement = Database.Statement<[number], { hash: Buffer }>;
const nodeSql = 'SELECT hash FROM merkle_nodes WHERE id = ?';

/** Stored node hashes in the order asked; throws if one is missing. */
function readNodes(node: NodeStatement, refs: NodeRef[]): Hash[] {
  return refs.map((r) => {
    const row = node.get(storageIndex(r));
    if (!row) throw new Error(`Merkle node (${r.level}, ${r.index}) is missing`);
    return row.hash;
  });
}

/** Reads the log, its Merkle nodes and its checkpoints (tables of schema version 3 on). */
export function sqliteAuditLogReader(db: Database.Database): AuditLogReader {
  const sql = {
    eventsFor: db.prepare<[string], AuditRow>('SELECT * FROM audit_events WHERE proposal_id = ? ORDER BY seq'),
    eventsAfter: db.prepare<[number, number], AuditRow>('SELECT * FROM audit_events WHERE seq > ? ORDER BY seq LIMIT ?'),
    // Arrays, not objects: verification reads every row of the log.
    rowsAfter: db.prepare<[number, number], AuditEventRow>(ROWS_AFTER).raw(),
    latestOfType: db.prepare<[string], AuditRow>('SELECT * FROM audit_events WHERE type = ? ORDER BY seq DESC LIMIT 1'),
    keyEvents: db.prepare<[string], AuditRow>(
      `SELECT * FROM audit_events WHERE type IN ('key.registered', 'key.revoked')
       AND json_extract(data, '$.key_id') IN (SELECT value FROM json_each(?)) ORDER BY seq`,
    ),
    size: db.prepare<[], { n: number | null }>('SELECT max(seq) AS n FROM audit_events'),
    node: db.prepare<[number], { hash: Buffer }>(nodeSql),
    latestCheckpoint: db.prepare<[], StoredCheckpoint>('SELECT * FROM checkpoints ORDER BY tree_size DESC LIMIT 1'),
  };
  return {
    async auditEventsFor(proposalId) {
      return sql.eventsFor.all(proposalId).map(toEvent);
    },
    async auditEventsAfter(seq, limit) {
      return sql.eventsAfter.all(seq, limit).map(toEvent);
    },
    async auditRowsAfter(seq, limit) {
      return sql.rowsAfter.all(seq, limit);
    },
    auditRowSource() {
      return db.memory ? undefined : { module: moduleBeside(import.meta.url, './sqlite-audit-rows').href, options: { file: db.name } };
    },
    async latestAuditEvent(type) {
      const row = sql.latestOfType.get(type);
      return row && toEvent(row);
    },
    async keyEvents(keyIds) {
      return keyIds.length === 0 ? [] : sql.keyEvents.all(JSON.stringify(keyIds)).map(toEvent);
    },
    async auditTreeSize() {
      return sql.size.get()?.n ?? 0;
    },
    async merkleNodes(refs) {
      return readNodes(sql.node, refs);
    },
    async latestCheckpoint() {
      return sql.latestCheckpoint.get();
    },
  };
}

const unpack = (packed: Buffer): Hash[] => Array.from({ length: packed.length / 32 }, (_, i) => packed.subarray(i * 32, (i + 1) * 32));

/**
 * The SQL behind the audit appender on SQLite: the head row, the events and
 * the Merkle nodes. Writers are serialised by SQLite itself (one writing
 * transaction at a time), so reading the head inside one locks it.
 */
export function sqliteAuditLogWriter(db: Database.Database) {
  const sql = {
    head: db.prepare<[], { seq: number; hash: string; frontier: Buffer }>('SELECT seq, hash, frontier FROM audit_head'),
    moveHead: db.prepare('UPDATE audit_head SET seq = ?, hash = ?, frontier = ?'),
    insertEvent: db.prepare(
      'INSERT INTO audit_events (seq, at, type, proposal_id, actor, reason, data, prev_hash, hash) VALUES (@seq, @at, @type, @proposal_id, @actor, @reason, @data, @prev_hash, @hash)',
    ),
    insertNode: db.prepare('INSERT INTO merkle_nodes (id, hash) VALUES (?, ?)'),
    node: db.prepare<[number], { hash: Buffer }>(nodeSql),
    hashesAfter: db.prepare<[number, number], string>('SELECT hash FROM audit_events WHERE seq > ? ORDER BY seq LIMIT ?').pluck(),
    saveCheckpoint: db.prepare('INSERT INTO checkpoints (tree_size, root_hash, note, signed_at) VALUES (@tree_size, @root_hash, @note, @signed_at) ON CONFLICT DO NOTHING'),
  };

  const readHead = (): LogHead => {
    const row = sql.head.get()!;
    return { seq: row.seq, hash: row.hash, frontier: unpack(row.frontier) };
  };
  const insertNodes = (nodes: SealedAppend['nodes']) => nodes.forEach((n) => sql.insertNode.run(n.id, n.hash));
  const moveHead = (head: LogHead) => sql.moveHead.run(head.seq, head.hash, Buffer.concat(head.frontier));

  const tx: AuditLogTx = {
    lockHead: readHead,
    write(append) {
      for (const record of append.records) sql.insertEvent.run(record);
      insertNodes(append.nodes);
      moveHead(append.head);
    },
  };

  /** The stored nodes at `refs`, or undefined if there is no tree (its first node is missing). */
  const storedNodes = (refs: NodeRef[]): Hash[] | undefined =>
    refs.length > 0 && sql.node.get(storageIndex(refs[0]!)) ? readNodes(sql.node, refs) : undefined;

  return {
    /** Seals events into the chain and the tree; runs inside the caller's transaction. */
    append: (events: AuditEventInput[]): void => void appendAudit(tx, events),
    /** Inside the caller's transaction. */
    saveCheckpoint: (checkpoint: StoredCheckpoint): void => void sql.saveCheckpoint.run(checkpoint),
    /** Gives the head its frontier, building the tree a database from before it lacks; in a transaction of its own. */
    restoreTree: db.transaction(() => {
      const head = readHead();
      const tree = treeToRestore(head, () => storedNodes(frontier(head.seq)));
      if (!tree) return;
      for (let page; (page = sql.hashesAfter.all(tree.size, 10_000)).length > 0; ) insertNodes(tree.grow(page));
      moveHead({ ...head, frontier: tree.frontier });
    }),
  };
}
