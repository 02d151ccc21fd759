import type { AuditEventInput } from '../domain/audit-event.js';
import type { Identity } from '../domain/identity.js';

/** A stored identity with the credential that authenticates it. */
export interface IdentityRecord {
  identity: Identity;
  token_id: string;
  /** SHA-256 of the token's secret part; the token itself is never stored. */
  token_hash: Buffer;
  /** The identity provider's subject (`sub`) a person signs in as; null when not linked. */
  oidc_subject?: string | null;
  /** An e-mail address that signs this person in when the provider says it is verified (and linking by e-mail is on). */
  email?: string | null;
}

/** Identities, their credentials, and signed-out UI sessions. */
export interface IdentityStore {
  /** Stores an identity and appends its events in the same transaction. */
  insertIdentity(record: IdentityRecord, events: AuditEventInput[]): Promise<void>;
  getIdentity(name: string): Promise<Identity | undefined>;
  findCredential(tokenId: string): Promise<IdentityRecord | undefined>;
  countIdentities(): Promise<number>;
  /** The identity linked to an identity provider's subject, or to a (verified) e-mail address. */
  findByOidcSubject(subject: string): Promise<IdentityRecord | undefined>;
  findByEmail(email: string): Promise<IdentityRecord | undefined>;

  /** Ends a UI session on every replica; remembered until it would have expired anyway. */
  revokeSession(sid: string, expiresAt: number, now: number): Promise<void>;
  sessionRevoked(sid: string): Promise<boolean>;
}
