import { SYSTEM_ACTORS } from '../domain/audit-event.js';
import { unauthenticated } from '../domain/errors.js';
import { defineIdentity, type Identity, type NewIdentity } from '../domain/identity.js';
import { conflict } from '../domain/errors.js';
import { defineSignInLink, type SignInLink } from '../domain/identity-link.js';
import type { IdentityStore } from '../store/identity-store.js';
import { issueToken, parseToken, secretMatches } from './tokens.js';

export interface IdentityServiceDeps {
  store: IdentityStore;
  clock: () => number;
}

export function createIdentityService({ store, clock }: IdentityServiceDeps) {
  return {
    /** Adds an identity and returns its token: the only time the token is ever shown. */
    async add(input: NewIdentity, actor: string, signIn: SignInLink = {}): Promise<{ identity: Identity; token: string }> {
      if (await store.getIdentity(input.name)) throw conflict('identity_exists', `An identity named "${input.name}" already exists.`);
      const owner = input.owner ? await store.getIdentity(input.owner) : undefined;
      const identity = defineIdentity(input, owner, clock());
      const link = defineSignInLink(signIn, identity.kind);
      if (link.oidc_subject && (await store.findByOidcSubject(link.oidc_subject))) throw conflict('identity_exists', `The subject "${link.oidc_subject}" already signs in as another identity.`);
      if (link.email && (await store.findByEmail(link.email))) throw conflict('identity_exists', `The e-mail address "${link.email}" already signs in as another identity.`);
      const { token, token_id, token_hash } = issueToken();
      await store.insertIdentity({ identity, token_id, token_hash, ...link }, [
        {
          at: identity.created_at,
          type: 'identity.created',
          proposal_id: null,
          actor,
          reason: null,
          data: { name: identity.name, kind: identity.kind, owner: identity.owner, principal: identity.principal, roles: identity.roles, ...linkData(link) },
        },
      ]);
      return { identity, token };
    },

    /** Creates `admin` on an empty database; `undefined` when identities already exist. */
    async bootstrapAdmin(): Promise<{ identity: Identity; token: string } | undefined> {
      if ((await store.countIdentities()) > 0) return undefined;
      try {
        return await this.add({ name: 'admin', kind: 'human', roles: ['admin', 'auditor'] }, SYSTEM_ACTORS.bootstrap);
      } catch (error) {
        // Replicas starting together on one empty database race to create admin; one wins.
        if (await store.getIdentity('admin')) return undefined;
        throw error;
      }
    },

    /** Resolves a bearer token to its identity, or throws 401. */
    async authenticate(token: string | undefined): Promise<Identity> {
      const parsed = token ? parseToken(token) : undefined;
      const record = parsed && (await store.findCredential(parsed.token_id));
      if (!parsed || !record || !secretMatches(parsed.secret, record.token_hash)) throw unauthenticated();
      return record.identity;
    },
  };
}

/** Only links that are set are recorded, so unlinked identities' events stay as they were. */
function linkData(link: { oidc_subject: string | null; email: string | null }): Record<string, string> {
  return Object.fromEntries(Object.entries(link).filter(([, value]) => value !== null)) as Record<string, string>;
}

export type IdentityService = ReturnType<typeof createIdentityService>;
