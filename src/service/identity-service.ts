import { SYSTEM_ACTORS } from '../domain/audit-event.js';
import { unauthenticated } from '../domain/errors.js';
import { defineIdentity, type Identity, type NewIdentity } from '../domain/identity.js';
import { conflict } from '../domain/errors.js';
import type { IdentityStore } from '../store/identity-store.js';
import { issueToken, parseToken, secretMatches } from './tokens.js';

export interface IdentityServiceDeps {
  store: IdentityStore;
  clock: () => number;
}

export function createIdentityService({ store, clock }: IdentityServiceDeps) {
  return {
    /** Adds an identity and returns its token: the only time the token is ever shown. */
    async add(input: NewIdentity, actor: string): Promise<{ identity: Identity; token: string }> {
      if (await store.getIdentity(input.name)) throw conflict('identity_exists', `An identity named "${input.name}" already exists.`);
      const owner = input.owner ? await store.getIdentity(input.owner) : undefined;
      const identity = defineIdentity(input, owner, clock());
      const { token, token_id, token_hash } = issueToken();
      await store.insertIdentity({ identity, token_id, token_hash }, [
        {
          at: identity.created_at,
          type: 'identity.created',
          proposal_id: null,
          actor,
          reason: null,
          data: { name: identity.name, kind: identity.kind, owner: identity.owner, principal: identity.principal, roles: identity.roles },
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

export type IdentityService = ReturnType<typeof createIdentityService>;
