import type Database from 'better-sqlite3';
import { eventLeaf } from '../../audit/audit-leaf.js';
import { appendLeaves, frontier, type Hash, type NodeRef, storageIndex } from '../../audit/merkle.js';
import type { AuditEvent } from '../../domain/audit-event.js';
import type { StoredCheckpoint } from '../store.js';

/** The Merkle node table and the checkpoints table of a SQLite store. */
export function sqliteMerkle(db: Database.Database) {
  const sql = {
    node: db.prepare<[number], { hash: Buffer }>('SELECT hash FROM merkle_nodes WHERE id = ?'),
    insertNode: db.prepare('INSERT INTO merkle_nodes (id, hash) VALUES (?, ?)'),
    size: db.prepare<[], { n: number | null }>('SELECT max(seq) AS n FROM audit_events'),
    eventsAfter: db.prepare<[number, number], { seq: number; hash: string }>('SELECT seq, hash FROM audit_events WHERE seq > ? ORDER BY seq LIMIT ?'),
    saveCheckpoint: db.prepare('INSERT INTO checkpoints (tree_size, root_hash, note, signed_at) VALUES (@tree_size, @root_hash, @note, @signed_at) ON CONFLICT DO NOTHING'),
    latestCheckpoint: db.prepare<[], StoredCheckpoint>('SELECT * FROM checkpoints ORDER BY tree_size DESC LIMIT 1'),
  };

  function nodes(refs: NodeRef[]): Hash[] {
    return refs.map((r) => {
      const row = sql.node.get(storageIndex(r));
      if (!row) throw new Error(`Merkle node (${r.level}, ${r.index}) is missing`);
      return row.hash;
    });
  }

  // The frontier after the last append, keyed by the chain head it belongs to
  // (size and last hash), so a rolled-back append or another process's write
  // simply misses the cache.
  let cached: { head: string; frontier: Hash[] } | undefined;

  /** Writes the nodes that `events` (sealed after the chain head `head`) complete; inside the caller's transaction. */
  function extend(head: { seq: number; hash: string }, events: Pick<AuditEvent, 'hash'>[]): void {
    if (events.length === 0) return;
    const size = head.seq;
    const front = cached?.head === `${size}:${head.hash}` ? cached.frontier : nodes(frontier(size));
    const tree = appendLeaves(size, front, events.map(eventLeaf));
    for (const n of tree.nodes) sql.insertNode.run(storageIndex(n), n.hash);
    cached = { head: `${size + events.length}:${events[events.length - 1]!.hash}`, frontier: tree.frontier };
  }

  const hasLeaf = (i: number) => sql.node.get(storageIndex({ level: 0, index: i })) !== undefined;
  /** How many leaves the stored tree has (leaves are written in order, so a binary search finds the end). */
  function storedLeaves(events: number): number {
    let lo = 0;
    let hi = events;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (hasLeaf(mid)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  return {
    extend,
    nodes,
    treeSize: () => sql.size.get()?.n ?? 0,
    saveCheckpoint: (c: StoredCheckpoint) => void sql.saveCheckpoint.run(c),
    latestCheckpoint: () => sql.latestCheckpoint.get(),
    /** Builds the tree over events written before it existed (databases from older versions). */
    backfill: db.transaction(() => {
      for (let size = storedLeaves(sql.size.get()?.n ?? 0); ; ) {
        const page = sql.eventsAfter.all(size, 10_000);
        if (page.length === 0) return;
        extend({ seq: size, hash: '' }, page);
        size += page.length;
      }
    }),
  };
}
