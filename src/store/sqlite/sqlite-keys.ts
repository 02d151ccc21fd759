import type Database from 'better-sqlite3';
import type { SigningKey } from '../../domain/signing-key.js';
import type { KeyStore } from '../key-store.js';
import type { SqliteWrites } from './sqlite-writes.js';

/** The signing_keys table; writes go through the store's group commit and append their events in it. */
export function sqliteKeyStore(db: Database.Database, { commit, append }: SqliteWrites): KeyStore {
  const sql = {
    insert: db.prepare(
      'INSERT INTO signing_keys (key_id, identity, kind, public_key, sign_count, label, created_at) VALUES (@key_id, @identity, @kind, @public_key, @sign_count, @label, @created_at) ON CONFLICT DO NOTHING',
    ),
    get: db.prepare<[string], SigningKey>('SELECT * FROM signing_keys WHERE key_id = ?'),
    list: db.prepare<[string], SigningKey>('SELECT * FROM signing_keys WHERE identity = ? ORDER BY created_at, key_id'),
    revoke: db.prepare('UPDATE signing_keys SET revoked_at = ?, revoked_by = ? WHERE key_id = ? AND revoked_at IS NULL'),
    advance: db.prepare('UPDATE signing_keys SET sign_count = ? WHERE key_id = ? AND sign_count = ? AND revoked_at IS NULL'),
  };
  return {
    insertKey: (key, events) =>
      commit(() => {
        if (sql.insert.run(key).changes === 0) return false;
        append(events);
        return true;
      }),
    getKey: async (keyId) => sql.get.get(keyId),
    listKeys: async (identity) => sql.list.all(identity),
    revokeKey: (keyId, revokedAt, revokedBy, events) =>
      commit(() => {
        if (sql.revoke.run(revokedAt, revokedBy, keyId).changes === 0) return false;
        append(events);
        return true;
      }),
    advanceSignCount: (keyId, from, to) => commit(() => sql.advance.run(to, keyId, from).changes === 1),
  };
}
