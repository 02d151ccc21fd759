import type { AuditEvent, AuditEventInput } from '../domain/audit-event.js';
import { canonicalJson, sha256Hex } from './canonical-json.js';

export const GENESIS_HASH = '0'.repeat(64);

export interface ChainHead {
  seq: number;
  hash: string;
}

export const EMPTY_HEAD: ChainHead = { seq: 0, hash: GENESIS_HASH };

/** The hash of an event covers every field but itself, over RFC 8785 canonical JSON. */
export function hashEvent(event: Omit<AuditEvent, 'hash'>): string {
  const { seq, at, type, proposal_id, actor, reason, data, prev_hash } = event;
  return sha256Hex(canonicalJson({ seq, at, type, proposal_id, actor, reason, data, prev_hash }));
}

/** Links an event after `head`. */
export function sealEvent(head: ChainHead, input: AuditEventInput): AuditEvent {
  const unsealed = { seq: head.seq + 1, ...input, prev_hash: head.hash };
  return { ...unsealed, hash: hashEvent(unsealed) };
}

export type VerifyResult = { ok: true; events: number } | { ok: false; events: number; first_bad_seq: number; problem: string };

/**
 * Walks events in seq order and names the first that breaks the chain: a gap
 * (deletion), a wrong link (reorder or insertion) or a hash that does not
 * match its content (edit).
 */
export class ChainVerifier {
  private head: ChainHead = EMPTY_HEAD;
  private failure: VerifyResult | undefined;

  /** Feeds the next event; returns false once the chain is broken. */
  push(event: AuditEvent): boolean {
    if (this.failure) return false;
    const expected = this.head.seq + 1;
    const fail = (problem: string) => {
      this.failure = { ok: false, events: this.head.seq, first_bad_seq: expected, problem };
      return false;
    };
    if (event.seq !== expected) return fail(`event ${expected} is missing (next stored event is ${event.seq})`);
    if (event.prev_hash !== this.head.hash) return fail(`event ${expected} does not link to event ${this.head.seq} (prev_hash differs)`);
    if (hashEvent(event) !== event.hash) return fail(`event ${expected} was altered (its content does not match its hash)`);
    this.head = { seq: event.seq, hash: event.hash };
    return true;
  }

  result(): VerifyResult {
    return this.failure ?? { ok: true, events: this.head.seq };
  }
}
