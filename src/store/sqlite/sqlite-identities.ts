import type Database from 'better-sqlite3';
import type { Identity } from '../../domain/identity.js';
import type { IdentityRecord, IdentityStore } from '../identity-store.js';
import type { SqliteWrites } from './sqlite-writes.js';
import { identityRecord } from '../identity-record.js';

interface IdentityRow {
  name: string;
  kind: Identity['kind'];
  owner: string | null;
  principal: string;
  roles: string;
  created_at: string;
  token_id: string;
  token_hash: Buffer;
  oidc_subject: string | null;
  email: string | null;
}
const toIdentity = ({ token_id: _t, token_hash: _h, oidc_subject: _s, email: _e, roles, ...rest }: IdentityRow): Identity => ({ ...rest, roles: JSON.parse(roles) });
const toRecord = (row: IdentityRow): IdentityRecord => identityRecord(toIdentity(row), row);

export function sqliteIdentityStore(db: Database.Database, { commit, append }: SqliteWrites): IdentityStore {
  const sql = {
    insert: db.prepare(
      'INSERT INTO identities (name, kind, owner, principal, roles, created_at, token_id, token_hash, oidc_subject, email) VALUES (@name, @kind, @owner, @principal, @roles, @created_at, @token_id, @token_hash, @oidc_subject, @email)',
    ),
    get: db.prepare<[string], IdentityRow>('SELECT * FROM identities WHERE name = ?'),
    findCredential: db.prepare<[string], IdentityRow>('SELECT * FROM identities WHERE token_id = ?'),
    bySubject: db.prepare<[string], IdentityRow>('SELECT * FROM identities WHERE oidc_subject = ?'),
    byEmail: db.prepare<[string], IdentityRow>('SELECT * FROM identities WHERE email = ?'),
    count: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM identities'),
    revokeSession: db.prepare('INSERT INTO revoked_sessions (sid, expires_at) VALUES (?, ?) ON CONFLICT DO NOTHING'),
    pruneRevoked: db.prepare('DELETE FROM revoked_sessions WHERE expires_at <= ?'),
    sessionRevoked: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM revoked_sessions WHERE sid = ?'),
  };
  // A stored identity with its credential, or nothing.
  const recordOf = (row: Parameters<typeof toRecord>[0] | undefined) => row && toRecord(row);
  return {
    async insertIdentity(record, events) {
      await commit(() => {
        sql.insert.run({ ...record.identity, roles: JSON.stringify(record.identity.roles), token_id: record.token_id, token_hash: record.token_hash, oidc_subject: record.oidc_subject ?? null, email: record.email ?? null });
        append(events);
      });
    },
    async getIdentity(name) {
      const row = sql.get.get(name);
      return row && toIdentity(row);
    },
    async findCredential(tokenId) {
      return recordOf(sql.findCredential.get(tokenId));
    },
    async findByOidcSubject(subject) {
      return recordOf(sql.bySubject.get(subject));
    },
    async findByEmail(email) {
      return recordOf(sql.byEmail.get(email));
    },
    async countIdentities() {
      return sql.count.get()!.n;
    },
    async revokeSession(sid, expiresAt, now) {
      await commit(() => {
        sql.pruneRevoked.run(now);
        sql.revokeSession.run(sid, expiresAt);
      });
    },
    async sessionRevoked(sid) {
      return sql.sessionRevoked.get(sid) !== undefined;
    },
  };
}
