import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { eventLeaf } from '../../src/audit/audit-leaf.js';
import { EMPTY_HEAD, sealEvent } from '../../src/audit/hash-chain.js';
import { appendLeaves, CompactTree, storageIndex } from '../../src/audit/merkle.js';
import { rootAt } from '../../src/audit/merkle-proofs.js';
import type { AuditEvent } from '../../src/domain/audit-event.js';
import { verifyLog } from '../../src/service/audit-service.js';
import { MIGRATIONS } from '../../src/store/sqlite/sqlite-schema.js';
import { openReadOnlySqliteStore, openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { tempDir } from '../support/harness.js';
import { newProposal } from './store-fixtures.js';

/** A database as an earlier version left it: its first `version` migrations, 37 events, and (from version 2) their Merkle tree. */
function olderDatabase(version: number): { file: string; tree: CompactTree } {
  const file = join(tempDir(), 'old.db');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  for (const migration of MIGRATIONS.slice(0, version)) db.exec(migration);
  db.pragma(`user_version = ${version}`);
  let head = EMPTY_HEAD;
  const events: AuditEvent[] = [];
  const insert = db.prepare('INSERT INTO audit_events (seq, at, type, proposal_id, actor, reason, data, prev_hash, hash) VALUES (@seq, @at, @type, @proposal_id, @actor, @reason, @data, @prev_hash, @hash)');
  for (let i = 0; i < 37; i++) {
    const e = sealEvent(head, { at: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(), type: 'identity.created', proposal_id: null, actor: 'cli', reason: null, data: { i } });
    insert.run({ ...e, data: JSON.stringify(e.data) });
    events.push((head = e));
  }
  if (version >= 2) {
    const node = db.prepare('INSERT INTO merkle_nodes (id, hash) VALUES (?, ?)');
    for (const n of appendLeaves(0, [], events.map(eventLeaf)).nodes) node.run(storageIndex(n), n.hash);
  }
  db.close();
  const tree = new CompactTree();
  events.forEach((e) => tree.push(eventLeaf(e)));
  return { file, tree };
}

describe('a database from before the Merkle tree', () => {
  it('gets its tree built from its events when first opened, and then verifies', async () => {
    const { file, tree } = olderDatabase(1);
    const store = openSqliteStore(file);
    try {
      expect(await store.auditTreeSize()).toBe(37);
      expect((await rootAt((refs) => store.merkleNodes(refs), 37)).equals(tree.root())).toBe(true);
      expect(await verifyLog(store)).toEqual({ ok: true, events: 37 });
    } finally {
      await store.close();
    }
  });

  it('is verified read-only against a tree built in memory, and the file is left exactly as it was', async () => {
    const { file, tree } = olderDatabase(1);
    const before = { bytes: readFileSync(file), mtime: statSync(file).mtimeMs };
    const store = openReadOnlySqliteStore(file);
    try {
      expect((await rootAt((refs) => store.merkleNodes(refs), 37)).equals(tree.root())).toBe(true);
      expect(await verifyLog(store)).toEqual({ ok: true, events: 37 });
      expect(store.auditRowSource()).toBeUndefined();
    } finally {
      await store.close();
    }
    expect(readFileSync(file).equals(before.bytes)).toBe(true);
    expect(statSync(file).mtimeMs).toBe(before.mtime);
    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    db.close();
  });
});

describe('a database from before the head row kept the tree’s frontier', () => {
  it('takes the frontier from its stored tree when first opened, and appends continue that tree', async () => {
    const { file, tree } = olderDatabase(3);
    const store = openSqliteStore(file);
    try {
      const { proposal, events } = newProposal();
      await store.insertProposal(proposal, events);
      for (const e of await store.auditEventsFor(proposal.id)) tree.push(eventLeaf(e));
      expect(await store.auditTreeSize()).toBe(38);
      expect((await rootAt((refs) => store.merkleNodes(refs), 38)).equals(tree.root())).toBe(true);
      expect(await verifyLog(store)).toEqual({ ok: true, events: 38 });
    } finally {
      await store.close();
    }
  });
});
