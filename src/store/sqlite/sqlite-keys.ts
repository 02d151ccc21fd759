import type Database from 'better-sqlite3';
import type { AuditEvent, AuditEventInput } from '../../domain/audit-event.js';
import type { SigningKey } from '../../domain/signing-key.js';
import type { KeyStore } from '../key-store.js';

type Commit = <T>(work: () => T) => Promise<T>;
type Append = (events: AuditEventInput[]) => void;

/** The signing_keys table; writes go through the store's group commit and append their events in it. */
export function sqliteKeyStore(db: Database.Database, commit: Commit, append: Append): KeyStore {
  const sql = {
    insert: db.prepare(
      'INSERT INTO signing_keys (key_id, identity, kind, public_key, label, created_at) VALUES (@key_id, @identity, @kind, @public_key, @label, @created_at) ON CONFLICT DO NOTHING',
    ),
    get: db.prepare<[string], SigningKey>('SELECT * FROM signing_keys WHERE key_id = ?'),
    list: db.prepare<[string], SigningKey>('SELECT * FROM signing_keys WHERE identity = ? ORDER BY created_at, key_id'),
    revoke: db.prepare('UPDATE signing_keys SET revoked_at = ?, revoked_by = ? WHERE key_id = ? AND revoked_at IS NULL'),
    events: db.prepare<[string], Omit<AuditEvent, 'data'> & { data: string }>(
      `SELECT * FROM audit_events WHERE type IN ('key.registered', 'key.revoked')
       AND json_extract(data, '$.key_id') IN (SELECT value FROM json_each(?)) ORDER BY seq`,
    ),
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
    keyEvents: async (keyIds) => (keyIds.length === 0 ? [] : sql.events.all(JSON.stringify(keyIds)).map((row) => ({ ...row, data: JSON.parse(row.data) }))),
  };
}
