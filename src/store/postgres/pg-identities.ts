import type { Pool } from 'pg';
import type { Identity } from '../../domain/identity.js';
import type { IdentityRecord, IdentityStore } from '../identity-store.js';
import { appendEvents } from './pg-audit.js';
import { inTransaction } from './pg-pool.js';
import { identityRecord } from '../identity-record.js';

interface IdentityRow extends Omit<Identity, 'roles'> {
  roles: Identity['roles'];
  token_id: string;
  token_hash: Buffer;
  oidc_subject: string | null;
  email: string | null;
}
const toIdentity = ({ token_id: _t, token_hash: _h, oidc_subject: _s, email: _e, ...identity }: IdentityRow): Identity => identity;
const toRecord = (row: IdentityRow): IdentityRecord => identityRecord(toIdentity(row), row);

export function pgIdentityStore(pool: Pool, channel: string): IdentityStore {
  return {
    async insertIdentity({ identity: i, token_id, token_hash, oidc_subject = null, email = null }, events) {
      await inTransaction(pool, async (client) => {
        await client.query(
          'INSERT INTO identities (name, kind, owner, principal, roles, created_at, token_id, token_hash, oidc_subject, email) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)',
          [i.name, i.kind, i.owner, i.principal, JSON.stringify(i.roles), i.created_at, token_id, token_hash, oidc_subject, email],
        );
        await appendEvents(client, events, channel, null);
      });
    },

    async getIdentity(name) {
      const row = (await pool.query<IdentityRow>('SELECT * FROM identities WHERE name = $1', [name])).rows[0];
      return row && toIdentity(row);
    },

    async findCredential(tokenId): Promise<IdentityRecord | undefined> {
      const row = (await pool.query<IdentityRow>('SELECT * FROM identities WHERE token_id = $1', [tokenId])).rows[0];
      return row && toRecord(row);
    },

    async findByOidcSubject(subject) {
      const row = (await pool.query<IdentityRow>('SELECT * FROM identities WHERE oidc_subject = $1', [subject])).rows[0];
      return row && toRecord(row);
    },

    async findByEmail(email) {
      const row = (await pool.query<IdentityRow>('SELECT * FROM identities WHERE email = $1', [email])).rows[0];
      return row && toRecord(row);
    },

    async countIdentities() {
      return (await pool.query<{ n: number }>('SELECT count(*) AS n FROM identities')).rows[0]!.n;
    },

    async revokeSession(sid, expiresAt, now) {
      await pool.query(
        'WITH pruned AS (DELETE FROM revoked_sessions WHERE expires_at <= $3) INSERT INTO revoked_sessions (sid, expires_at) VALUES ($1, $2) ON CONFLICT DO NOTHING',
        [sid, expiresAt, now],
      );
    },

    async sessionRevoked(sid) {
      return (await pool.query('SELECT 1 FROM revoked_sessions WHERE sid = $1', [sid])).rowCount === 1;
    },
  };
}
