import type { Pool } from 'pg';
import type { SigningKey } from '../../domain/signing-key.js';
import type { KeyStore } from '../key-store.js';
import { appendEvents } from './pg-audit.js';
import { inTransaction } from './pg-pool.js';

const KEY_COLUMNS = 'key_id, identity, kind, public_key, sign_count::integer AS sign_count, label, created_at, revoked_at, revoked_by';

/** The signing_keys table; writes append their events in the same transaction. */
export function pgKeyStore(pool: Pool, channel: string): KeyStore {
  return {
    insertKey: (k, events) =>
      inTransaction(pool, async (client) => {
        const { rowCount } = await client.query(
          'INSERT INTO signing_keys (key_id, identity, kind, public_key, sign_count, label, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING',
          [k.key_id, k.identity, k.kind, k.public_key, k.sign_count, k.label, k.created_at],
        );
        if (rowCount === 0) return false;
        await appendEvents(client, events, channel, null);
        return true;
      }),
    async getKey(keyId) {
      return (await pool.query<SigningKey>(`SELECT ${KEY_COLUMNS} FROM signing_keys WHERE key_id = $1`, [keyId])).rows[0];
    },
    async listKeys(identity) {
      return (await pool.query<SigningKey>(`SELECT ${KEY_COLUMNS} FROM signing_keys WHERE identity = $1 ORDER BY created_at, key_id`, [identity])).rows;
    },
    revokeKey: (keyId, revokedAt, revokedBy, events) =>
      inTransaction(pool, async (client) => {
        // The row lock makes a second, concurrent revocation find it revoked already.
        const { rowCount } = await client.query('UPDATE signing_keys SET revoked_at = $2, revoked_by = $3 WHERE key_id = $1 AND revoked_at IS NULL', [keyId, revokedAt, revokedBy]);
        if (rowCount === 0) return false;
        await appendEvents(client, events, channel, null);
        return true;
      }),
    async advanceSignCount(keyId, from, to) {
      const { rowCount } = await pool.query('UPDATE signing_keys SET sign_count = $3 WHERE key_id = $1 AND sign_count = $2 AND revoked_at IS NULL', [keyId, from, to]);
      return rowCount === 1;
    },
  };
}
