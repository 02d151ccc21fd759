import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres/pg-store.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store, StoredCheckpoint } from '../../src/store/store.js';
import { tempDir } from '../support/harness.js';
import { freshSchema, sqlIn, TEST_PG_URL } from '../support/postgres.js';

const checkpoint: StoredCheckpoint = { tree_size: 3, root_hash: 'a'.repeat(64), note: 'signed note\n', signed_at: '2026-11-25T09:00:00.000Z' };

/** Stored checkpoints, like the log, are changed by nobody: the database itself refuses, naming the table. */
describe('stored checkpoints are append-only', () => {
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it('on SQLite: UPDATE and DELETE are refused with an error, and the checkpoint stays as signed', async () => {
    const file = join(tempDir(), 'countersign.db');
    store = openSqliteStore(file);
    await store.saveCheckpoint(checkpoint);
    const db = new Database(file);
    try {
      expect(() => db.prepare("UPDATE checkpoints SET note = 'forged'").run()).toThrow('checkpoints is append-only: UPDATE refused');
      expect(() => db.prepare('DELETE FROM checkpoints').run()).toThrow('checkpoints is append-only: DELETE refused');
      expect(() => db.prepare('DELETE FROM checkpoints WHERE tree_size = 3').run()).toThrow('checkpoints is append-only: DELETE refused');
    } finally {
      db.close();
    }
    expect(await store.latestCheckpoint()).toEqual(checkpoint);
  });

  it.skipIf(!TEST_PG_URL)('on PostgreSQL: UPDATE, DELETE and TRUNCATE are refused with an error, and the checkpoint stays as signed', async () => {
    const { schema, drop } = await freshSchema(TEST_PG_URL!);
    try {
      store = await openPostgresStore({ url: TEST_PG_URL!, schema });
      await store.saveCheckpoint(checkpoint);
      const sql = sqlIn(TEST_PG_URL!, schema);
      await expect(sql("UPDATE checkpoints SET note = 'forged'")).rejects.toThrow('checkpoints is append-only: UPDATE refused');
      await expect(sql('DELETE FROM checkpoints')).rejects.toThrow('checkpoints is append-only: DELETE refused');
      await expect(sql('TRUNCATE checkpoints')).rejects.toThrow('checkpoints is append-only: TRUNCATE refused');
      expect(await store.latestCheckpoint()).toEqual(checkpoint);
    } finally {
      await store?.close();
      store = undefined;
      await drop();
    }
  });
});
