import { z } from 'zod';
import { IDENTITY_KINDS, type IdentityKind } from '../contract/proposal-types.js';
import { RESERVED_ACTOR_NAMES } from './audit-event.js';
import { invalidInput } from './errors.js';

export const ROLES = ['proposer', 'approver', 'executor', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * An identity that can hold a token. Its `principal` is the person it answers
 * to: the root of its owner chain. Approvals are counted per principal, so an
 * agent (or an alias) never adds a second voice to its owner's.
 */
export interface Identity {
  name: string;
  kind: IdentityKind;
  owner: string | null;
  principal: string;
  roles: Role[];
  created_at: string;
}

export interface NewIdentity {
  name: string;
  kind: string;
  owner?: string | null;
  roles: string[];
}

const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** The body of `POST /v1/identities`; values are checked by `defineIdentity`. */
export const newIdentitySchema = z.strictObject({
  name: z.string(),
  kind: z.string(),
  owner: z.string().nullable().optional(),
  roles: z.array(z.string()).default([]),
});

/** Validates a new identity against its (already loaded) owner; returns the record to store. */
export function defineIdentity(input: NewIdentity, owner: Identity | undefined, now: number): Identity {
  const errors = [];
  if (!NAME.test(input.name)) {
    errors.push({ field: 'name', message: 'must be 1-64 lowercase letters, digits, ".", "_" or "-", starting with a letter or digit' });
  } else if (RESERVED_ACTOR_NAMES.includes(input.name)) {
    errors.push({ field: 'name', message: `"${input.name}" is reserved: the audit log uses it for Countersign itself (${RESERVED_ACTOR_NAMES.join(', ')}); choose another name` });
  }
  if (!(IDENTITY_KINDS as readonly string[]).includes(input.kind)) {
    errors.push({ field: 'kind', message: `must be one of: ${IDENTITY_KINDS.join(', ')}` });
  }
  const unknownRoles = input.roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (unknownRoles.length > 0) {
    errors.push({ field: 'roles', message: `unknown role ${unknownRoles.join(', ')}; use any of: ${ROLES.join(', ')}` });
  }
  if (input.owner && !owner) {
    errors.push({ field: 'owner', message: `no identity named "${input.owner}"; add the owner first` });
  }
  if (input.owner && input.owner === input.name) {
    errors.push({ field: 'owner', message: 'an identity cannot own itself' });
  }
  if (errors.length > 0) throw invalidInput(errors);
  return {
    name: input.name,
    kind: input.kind as IdentityKind,
    owner: owner?.name ?? null,
    principal: owner ? owner.principal : input.name,
    roles: [...new Set(input.roles as Role[])],
    created_at: new Date(now).toISOString(),
  };
}

export const hasRole = (identity: Identity, role: Role): boolean => identity.roles.includes(role);

export function hasAnyRole(identity: Identity, roles: readonly Role[]): boolean {
  return roles.some((role) => identity.roles.includes(role));
}
