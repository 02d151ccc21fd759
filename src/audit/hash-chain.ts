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
    return this.link(event.seq, event.prev_hash, event.hash, () => hashEvent(event));
  }

  /**
   * Feeds the next event by its stored seq, prev_hash and hash; `contentHash`
   * recomputes its hash from its content (called only once seq and link hold).
   */
  link(seq: number, prevHash: string, hash: string, contentHash: () => string): boolean {
    if (this.failure) return false;
    const expected = this.head.seq + 1;
    if (seq !== expected) return this.fail(`event ${expected} is missing (next stored event is ${seq})`);
    if (prevHash !== this.head.hash) return this.fail(`event ${expected} does not link to event ${this.head.seq} (prev_hash differs)`);
    if (contentHash() !== hash) return this.fail(`event ${expected} was altered (its content does not match its hash)`);
    this.head = { seq, hash };
    return true;
  }

  // A method, not a closure made per event: this runs once per event of the log.
  private fail(problem: string): false {
    this.failure = { ok: false, events: this.head.seq, first_bad_seq: this.head.seq + 1, problem };
    return false;
  }

  result(): VerifyResult {
    return this.failure ?? { ok: true, events: this.head.seq };
  }
}
