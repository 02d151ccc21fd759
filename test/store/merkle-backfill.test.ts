import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { eventLeaf } from '../../src/audit/audit-leaf.js';
import { EMPTY_HEAD, sealEvent } from '../../src/audit/hash-chain.js';
import { CompactTree } from '../../src/audit/merkle.js';
import { rootAt } from '../../src/audit/merkle-proofs.js';
import type { AuditEvent } from '../../src/domain/audit-event.js';
import { verifyLog } from '../../src/service/audit-service.js';
import { MIGRATIONS } from '../../src/store/sqlite/sqlite-schema.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { tempDir } from '../support/harness.js';

describe('a database from before the Merkle tree', () => {
  it('gets its tree built from its events when first opened, and then verifies', async () => {
    const file = join(tempDir(), 'old.db');
    const db = new Database(file);
    db.exec(MIGRATIONS[0]!);
    db.pragma('user_version = 1');
    let head = EMPTY_HEAD;
    const events: AuditEvent[] = [];
    const insert = db.prepare('INSERT INTO audit_events (seq, at, type, proposal_id, actor, reason, data, prev_hash, hash) VALUES (@seq, @at, @type, @proposal_id, @actor, @reason, @data, @prev_hash, @hash)');
    for (let i = 0; i < 37; i++) {
      const e = sealEvent(head, { at: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(), type: 'identity.created', proposal_id: null, actor: 'cli', reason: null, data: { i } });
      insert.run({ ...e, data: JSON.stringify(e.data) });
      events.push((head = e));
    }
    db.close();

    const store = openSqliteStore(file);
    try {
      const tree = new CompactTree();
      events.forEach((e) => tree.push(eventLeaf(e)));
      expect(await store.auditTreeSize()).toBe(37);
      expect((await rootAt((refs) => store.merkleNodes(refs), 37)).equals(tree.root())).toBe(true);
      expect(await verifyLog(store)).toEqual({ ok: true, events: 37 });
    } finally {
      await store.close();
    }
  });
});
