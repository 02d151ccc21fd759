import { z } from 'zod';
import { type Change, refused } from './change.js';
import { decide, type DecisionAttempt } from './decide.js';
import { decisionStatement } from '../contract/decision-statement.js';
import { ED25519_SIGNATURE_BYTES, verifyEd25519 } from '../contract/ed25519-key.js';
import { CountersignError, forbidden, invalidInput } from './errors.js';
import { hasRole, type Identity } from './identity.js';
import type { Proposal, SignedDecisions } from './proposal.js';
import { decisionBodySchema } from './proposal-schema.js';
import type { DecisionSignature, KeyKind, SigningKey } from './signing-key.js';

/** A decision body: the reason and, optionally, a signature over the decision statement. Nothing else (no bundles). */
export const signedDecisionBodySchema = decisionBodySchema.extend({
  signature: z
    .strictObject({
      key_id: z.string().min(1, 'must not be empty').max(512, 'must be at most 512 characters'),
      sig: z.string().max(1_000, 'must be at most 1000 characters'),
    })
    .optional(),
});

type PublicPart = Pick<SigningKey, 'kind' | 'public_key'>;

/** How one kind of key checks a signature's bytes over a statement; a passkey kind adds its own entry. */
const VERIFIERS: Record<KeyKind, (key: PublicPart, statement: Buffer, sig: Buffer) => boolean> = {
  key: (key, statement, sig) => verifyEd25519(key.public_key, statement, sig),
};

/** The signature's bytes, or what is wrong with its text. */
function decodeSig(sig: string): Buffer | string {
  if (!/^[A-Za-z0-9_-]*$/.test(sig)) return 'is not base64url: use only A-Z, a-z, 0-9, "-" and "_", without "=" padding';
  const bytes = Buffer.from(sig, 'base64url');
  if (bytes.length !== ED25519_SIGNATURE_BYTES || bytes.toString('base64url') !== sig) {
    return `has the wrong length: an Ed25519 signature is ${ED25519_SIGNATURE_BYTES} bytes (86 base64url characters), this is ${bytes.length} bytes`;
  }
  return bytes;
}

/** True when `sig` is a well-formed signature by `key` over `statement`; what offline checks use. */
export function signatureVerifies(key: PublicPart, statement: Buffer, sig: string): boolean {
  const bytes = decodeSig(sig);
  const verifier = VERIFIERS[key.kind] as (typeof VERIFIERS)[KeyKind] | undefined;
  return typeof bytes !== 'string' && verifier !== undefined && verifier(key, statement, bytes);
}

export interface SignatureCheckInput {
  proposal: Proposal;
  verdict: DecisionAttempt['verdict'];
  actor: Identity;
  /** As the server records it (trimmed). */
  reason: string;
  signature: { key_id: string; sig: string } | undefined;
  /** The registered key named by `signature.key_id`, if there is one. */
  key: SigningKey | undefined;
}

/** The outcome: a verified signature to record, or the refusal to audit; neither when unsigned and allowed. */
export interface SignatureCheck {
  verified?: DecisionSignature;
  refusal?: CountersignError;
  /** What the request presented, kept with a refused attempt for the auditor. */
  presented?: DecisionSignature;
}

/**
 * Checks a decision's signature against the proposal's level (DESIGN.md §8).
 * Whatever is presented must verify, under `optional` too: a signature that
 * does not is never silently dropped. Under `required` an unsigned decision is
 * refused. Pure: the key was looked up by the caller.
 */
export function checkSignature({ proposal, verdict, actor, reason, signature, key }: SignatureCheckInput): SignatureCheck {
  const level: SignedDecisions = proposal.signed_decisions ?? 'optional';
  const code = level === 'required' ? 'signature_required' : 'signature_invalid';
  if (!signature) {
    if (level !== 'required') return {};
    return {
      refusal: forbidden(code, 'This proposal needs a signed decision (policy signed_decisions: required). Sign it with your registered key: "countersign approve|reject ID --reason R --key FILE" (create one with "countersign key create").'),
    };
  }
  const presented: DecisionSignature = { kind: key?.kind ?? 'key', key_id: signature.key_id, sig: signature.sig };
  const refuse = (refusal: CountersignError): SignatureCheck => ({ refusal, presented });
  if (level === 'off') return refuse(invalidInput([{ field: 'signature', message: 'signed decisions are off for this proposal (policy signed_decisions: off); send the decision without a signature' }]));
  const bytes = decodeSig(signature.sig);
  if (typeof bytes === 'string') return refuse(invalidInput([{ field: 'signature.sig', message: bytes }]));
  if (!key) return refuse(invalidInput([{ field: 'signature.key_id', message: `unknown key_id "${signature.key_id}": no key with this id is registered; register yours with "countersign key create"` }]));
  if (key.identity !== actor.name) return refuse(forbidden(code, `Key "${key.key_id}" is registered to another identity, not "${actor.name}": sign with a key of your own.`));
  if (key.revoked_at) return refuse(forbidden(code, `Key "${key.key_id}" was revoked at ${key.revoked_at}; create a new one with "countersign key create".`));
  const statement = decisionStatement({ proposal_id: proposal.id, action_hash: proposal.action_hash, decision: verdict, reason, identity: actor.name });
  if (!VERIFIERS[key.kind](key, statement, bytes)) {
    return refuse(forbidden(code, `The signature by key "${key.key_id}" does not verify over this decision's statement (proposal "${proposal.id}", its action_hash, decision "${verdict}", this reason, identity "${actor.name}"): sign exactly the decision you send.`));
  }
  return { verified: presented };
}

/**
 * `decide` with a checked signature. A malformed signature is refused before
 * roles are looked at (400 before 403, as every body error); a missing or
 * invalid one right after the role check, before anything is counted. Every
 * refusal is an audited attempt naming the signature presented.
 */
export function decideSigned(proposal: Proposal, attempt: DecisionAttempt, check: SignatureCheck): Change {
  const { refusal, presented } = check;
  if (refusal && (refusal.status === 400 || hasRole(attempt.actor, 'approver'))) {
    const change = refused(proposal, refusal, attempt.verdict, attempt.actor.name, new Date(attempt.now).toISOString());
    if (presented) change.events = change.events.map((e) => ({ ...e, data: { ...e.data, signature: presented } }));
    return change;
  }
  return decide(proposal, { ...attempt, signature: check.verified });
}
