import Database from 'better-sqlite3';
import { eventLeaf } from '../../src/audit/audit-leaf.js';
import { signCheckpoint } from '../../src/audit/checkpoint.js';
import { EMPTY_HEAD, sealEvent } from '../../src/audit/hash-chain.js';
import { appendLeaves, CompactTree, frontier, type Hash, storageIndex } from '../../src/audit/merkle.js';
import type { NoteSigner } from '../../src/audit/note-key.js';
import type { AuditEvent } from '../../src/domain/audit-event.js';

/** What an attacker with write access to the SQLite file can do. */
type Row = Omit<AuditEvent, 'data'> & { data: string };

export function withDb<T>(file: string, use: (db: Database.Database) => T): T {
  const db = new Database(file);
  try {
    db.exec(`DROP TRIGGER IF EXISTS audit_events_no_update; DROP TRIGGER IF EXISTS audit_events_no_delete;
             DROP TRIGGER IF EXISTS merkle_nodes_no_update; DROP TRIGGER IF EXISTS merkle_nodes_no_delete;
             DROP TRIGGER IF EXISTS checkpoints_no_update; DROP TRIGGER IF EXISTS checkpoints_no_delete;`);
    return use(db);
  } finally {
    db.close();
  }
}

export const rows = (db: Database.Database) => db.prepare('SELECT * FROM audit_events ORDER BY seq').all() as Row[];

/** Points the head row at event `seq` with the tree's frontier, as the appender would have left it. */
function moveHead(db: Database.Database, seq: number, front: Hash[]): void {
  const hash = seq === 0 ? EMPTY_HEAD.hash : (db.prepare('SELECT hash FROM audit_events WHERE seq = ?').get(seq) as { hash: string }).hash;
  db.prepare('UPDATE audit_head SET seq = ?, hash = ?, frontier = ?').run(seq, hash, Buffer.concat(front));
}

/** Deletes the last `k` events with their Merkle nodes and any checkpoint that covered them. */
export function cutTail(db: Database.Database, k: number): void {
  const n = (db.prepare('SELECT max(seq) AS n FROM audit_events').get() as { n: number }).n;
  const keep = n - k;
  db.prepare('DELETE FROM audit_events WHERE seq > ?').run(keep);
  // Nodes are stored in post-order: everything from the first removed leaf on covers a removed leaf.
  db.prepare('DELETE FROM merkle_nodes WHERE id >= ?').run(storageIndex({ level: 0, index: keep }));
  db.prepare('DELETE FROM checkpoints WHERE tree_size > ?').run(keep);
  const node = db.prepare('SELECT hash FROM merkle_nodes WHERE id = ?');
  moveHead(db, keep, frontier(keep).map((r) => (node.get(storageIndex(r)) as { hash: Hash }).hash));
}

/**
 * A wholly recomputed forgery: `edit` changes the events' content, then every
 * hash, link, Merkle node and the checkpoint are rebuilt so that the database
 * is self-consistent, signed with the forger's own key.
 */
export function forgeLog(db: Database.Database, edit: (events: AuditEvent[]) => AuditEvent[], forger: NoteSigner): void {
  const original = rows(db).map((r) => ({ ...r, data: JSON.parse(r.data) as Record<string, unknown> }));
  const edited = edit(original);
  let head = EMPTY_HEAD;
  const sealed = edited.map(({ at, type, proposal_id, actor, reason, data }) => (head = sealEvent(head, { at, type, proposal_id, actor, reason, data })) as AuditEvent);
  db.exec('DELETE FROM audit_events; DELETE FROM merkle_nodes; DELETE FROM checkpoints;');
  const insert = db.prepare('INSERT INTO audit_events (seq, at, type, proposal_id, actor, reason, data, prev_hash, hash) VALUES (@seq, @at, @type, @proposal_id, @actor, @reason, @data, @prev_hash, @hash)');
  for (const e of sealed) insert.run({ ...e, data: JSON.stringify(e.data) });
  const { nodes, frontier: front } = appendLeaves(0, [], sealed.map(eventLeaf));
  const node = db.prepare('INSERT INTO merkle_nodes (id, hash) VALUES (?, ?)');
  for (const n of nodes) node.run(storageIndex(n), n.hash);
  moveHead(db, sealed.length, front);
  const tree = new CompactTree();
  sealed.forEach((e) => tree.push(eventLeaf(e)));
  const note = signCheckpoint({ origin: forger.name, size: tree.size, root: tree.root() }, forger);
  db.prepare('INSERT INTO checkpoints (tree_size, root_hash, note, signed_at) VALUES (?, ?, ?, ?)').run(tree.size, tree.root().toString('hex'), note, new Date().toISOString());
}
