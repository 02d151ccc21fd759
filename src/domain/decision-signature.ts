import { z } from 'zod';
import { type Change, refused } from './change.js';
import { decide, type DecisionAttempt } from './decide.js';
import { decisionStatement } from '../contract/decision-statement.js';
import { ED25519_SIGNATURE_BYTES, verifyEd25519 } from '../contract/ed25519-key.js';
import { CountersignError, forbidden, invalidInput } from './errors.js';
import { checkAssertion } from '../contract/passkey-assertion.js';
import { hasRole, type Identity } from './identity.js';
import type { Proposal, SignedDecisions } from './proposal.js';
import { decisionBodySchema } from './proposal-schema.js';
import type { DecisionSignature, KeyKind, SigningKey } from './signing-key.js';

const keyIdField = z.string().min(1, 'must not be empty').max(512, 'must be at most 512 characters');
const assertionPart = z.string().min(1, 'must not be empty').max(20_000, 'must be at most 20000 characters');

/** An Ed25519 key's signature (contract §8): `{ key_id, sig }`. */
const keySignatureSchema = z.strictObject({
  key_id: keyIdField,
  sig: z.string().max(1_000, 'must be at most 1000 characters'),
});

/** A passkey's WebAuthn assertion from the UI, its parts base64url as the authenticator returned them. */
const passkeySignatureSchema = z.strictObject({
  kind: z.literal('passkey'),
  key_id: keyIdField,
  assertion: z.strictObject({ authenticator_data: assertionPart, client_data_json: assertionPart, signature: assertionPart }),
});

export type PresentedSignature = z.infer<typeof keySignatureSchema> | z.infer<typeof passkeySignatureSchema>;

/** Picks the form by `kind`, so a wrong field is named against the form meant rather than against both. */
const signatureSchema = z.unknown().transform((value, ctx): PresentedSignature => {
  const passkey = typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'passkey';
  const result = (passkey ? passkeySignatureSchema : keySignatureSchema).safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) ctx.addIssue(issue as Parameters<typeof ctx.addIssue>[0]);
  return z.NEVER;
});

/** A decision body: the reason and, optionally, a signature over the decision statement. Nothing else (no bundles). */
export const signedDecisionBodySchema = decisionBodySchema.extend({ signature: signatureSchema.optional() });

/** The same body as documentation can show it: either form of signature (parsing picks one by `kind`, for clearer errors). */
export const signedDecisionBodyDocSchema = decisionBodySchema.extend({ signature: z.union([keySignatureSchema, passkeySignatureSchema]).optional() });

/** Where a passkey assertion must come from: the server's public origin and its WebAuthn RP ID. */
export interface RelyingParty {
  origin: string;
  rp_id: string;
}

/** The public parts a verifier needs; `rp_id` is the passkey's, from its registration. */
type PublicPart = Pick<SigningKey, 'kind' | 'public_key'> & { rp_id?: string };

/**
 * How one kind of key checks a signature over a statement: undefined when it
 * verifies, else what is wrong (and, for a passkey, its signature counter).
 */
const VERIFIERS: Record<KeyKind, (key: PublicPart, statement: Buffer, sig: DecisionSignature, rp?: RelyingParty) => { problem?: string; malformed?: { field: string; message: string }; signCount?: number }> = {
  key: (key, statement, sig) => {
    const bytes = decodeSig(sig.sig);
    if (typeof bytes === 'string') return { malformed: { field: 'signature.sig', message: bytes } };
    return verifyEd25519(key.public_key, statement, bytes) ? {} : { problem: "the signature does not verify over the decision's statement" };
  },
  passkey: (key, statement, sig, rp) => {
    const result = checkAssertion(
      { authenticator_data: sig.authenticator_data ?? '', client_data_json: sig.client_data_json ?? '', signature: sig.sig },
      { statement, publicKey: key.public_key, rpId: rp?.rp_id ?? key.rp_id ?? '', origin: rp?.origin },
    );
    if (result.ok) return { signCount: result.signCount };
    if (result.malformed) return { malformed: { field: `signature.assertion.${result.part}`, message: result.problem } };
    return { problem: result.problem };
  },
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
export function signatureVerifies(key: PublicPart, statement: Buffer, sig: DecisionSignature): boolean {
  const verifier = VERIFIERS[key.kind] as (typeof VERIFIERS)[KeyKind] | undefined;
  if (!verifier) return false;
  const { problem, malformed } = verifier(key, statement, sig);
  return !problem && !malformed;
}

/** Why a signature does not verify offline, or undefined when it does. */
export function signatureProblem(key: PublicPart, statement: Buffer, sig: DecisionSignature): string | undefined {
  const verifier = VERIFIERS[key.kind] as (typeof VERIFIERS)[KeyKind] | undefined;
  if (!verifier) return `keys of kind "${key.kind}" are not known`;
  const { problem, malformed } = verifier(key, statement, sig);
  return malformed ? `${malformed.field} ${malformed.message}` : problem;
}

/** The signature as the log keeps it: a passkey's assertion parts flattened beside its `sig`. */
function asRecorded(signature: PresentedSignature): DecisionSignature {
  if ('sig' in signature) return { kind: 'key', key_id: signature.key_id, sig: signature.sig };
  const { authenticator_data, client_data_json, signature: sig } = signature.assertion;
  return { kind: 'passkey', key_id: signature.key_id, authenticator_data, client_data_json, sig };
}

export interface SignatureCheckInput {
  proposal: Proposal;
  verdict: DecisionAttempt['verdict'];
  actor: Identity;
  /** As the server records it (trimmed). */
  reason: string;
  signature: PresentedSignature | undefined;
  /** The registered key named by `signature.key_id`, if there is one. */
  key: SigningKey | undefined;
  /** Where passkey assertions must come from (this server). */
  rp?: RelyingParty;
}

/** The outcome: a verified signature to record, or the refusal to audit; neither when unsigned and allowed. */
export interface SignatureCheck {
  verified?: DecisionSignature;
  refusal?: CountersignError;
  /** What the request presented, kept with a refused attempt for the auditor. */
  presented?: DecisionSignature;
  /** A verified passkey assertion's counter, which the caller must store as grown before counting the decision. */
  signCount?: number;
}

/**
 * Checks a decision's signature against the proposal's level (DESIGN.md §8).
 * Whatever is presented must verify, under `optional` too: a signature that
 * does not is never silently dropped. Under `required` an unsigned decision is
 * refused. Pure: the key was looked up by the caller.
 */
export function checkSignature({ proposal, verdict, actor, reason, signature, key, rp }: SignatureCheckInput): SignatureCheck {
  const level: SignedDecisions = proposal.signed_decisions ?? 'optional';
  const code = level === 'required' ? 'signature_required' : 'signature_invalid';
  if (!signature) {
    if (level !== 'required') return {};
    return {
      refusal: forbidden(code, 'This proposal needs a signed decision (policy signed_decisions: required). Sign it with your registered key: "countersign approve|reject ID --reason R --key FILE" (create one with "countersign key create"), or decide with your passkey in the web UI.'),
    };
  }
  const presented = asRecorded(signature);
  const refuse = (refusal: CountersignError): SignatureCheck => ({ refusal, presented });
  if (level === 'off') return refuse(invalidInput([{ field: 'signature', message: 'signed decisions are off for this proposal (policy signed_decisions: off); send the decision without a signature' }]));
  if (presented.kind === 'key') {
    const bytes = decodeSig(presented.sig);
    if (typeof bytes === 'string') return refuse(invalidInput([{ field: 'signature.sig', message: bytes }]));
  }
  const register = presented.kind === 'passkey' ? 'register a passkey on the Passkeys page of the web UI' : 'register yours with "countersign key create"';
  if (!key) return refuse(invalidInput([{ field: 'signature.key_id', message: `unknown key_id "${signature.key_id}": no key with this id is registered; ${register}` }]));
  if (key.kind !== presented.kind) {
    const form = key.kind === 'passkey' ? '{ kind: "passkey", key_id, assertion }' : '{ key_id, sig }';
    return refuse(invalidInput([{ field: 'signature', message: `key "${key.key_id}" is a ${key.kind}: send ${form}` }]));
  }
  if (key.identity !== actor.name) return refuse(forbidden(code, `Key "${key.key_id}" is registered to another identity, not "${actor.name}": sign with a key of your own.`));
  if (key.revoked_at) return refuse(forbidden(code, `Key "${key.key_id}" was revoked at ${key.revoked_at}; ${register}.`));
  const statement = decisionStatement({ proposal_id: proposal.id, action_hash: proposal.action_hash, decision: verdict, reason, identity: actor.name });
  const { problem, malformed, signCount } = VERIFIERS[key.kind](key, statement, presented, rp);
  if (malformed) return refuse(invalidInput([malformed]));
  if (problem && key.kind === 'passkey') return refuse(forbidden(code, `The passkey assertion by "${key.key_id}" is refused: ${problem}.`));
  if (problem) {
    return refuse(forbidden(code, `The signature by key "${key.key_id}" does not verify over this decision's statement (proposal "${proposal.id}", its action_hash, decision "${verdict}", this reason, identity "${actor.name}"): sign exactly the decision you send.`));
  }
  if (signCount !== undefined && !counterGrew(key.sign_count, signCount)) return refuse(replayRefusal(code, key.key_id));
  return { verified: presented, ...(signCount !== undefined ? { signCount } : {}) };
}

/** WebAuthn §6.1.1: a counter must grow, unless the authenticator keeps none (both zero). */
const counterGrew = (stored: number, presented: number): boolean => presented > stored || (presented === 0 && stored === 0);

/** The refusal of an assertion whose counter did not grow: a replay, or a cloned authenticator. */
export const replayRefusal = (code: 'signature_required' | 'signature_invalid', keyId: string): CountersignError =>
  forbidden(code, `The passkey assertion by "${keyId}" is refused: its signature counter did not grow, so it was used before (a replayed assertion) or the passkey was cloned. Decide again with your passkey.`);

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
