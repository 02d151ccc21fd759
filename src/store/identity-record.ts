import type { Identity } from '../domain/identity.js';
import type { IdentityRecord } from './identity-store.js';

export interface CredentialColumns {
  token_id: string;
  token_hash: Buffer;
  oidc_subject: string | null;
  email: string | null;
}

/** A stored identity with its credential; sign-in links appear only when set, so a record reads back as it was stored. */
export const identityRecord = (identity: Identity, { token_id, token_hash, oidc_subject, email }: CredentialColumns): IdentityRecord => ({
  identity,
  token_id,
  token_hash,
  ...(oidc_subject !== null ? { oidc_subject } : {}),
  ...(email !== null ? { email } : {}),
});
