import type { AuditEvent, AuditEventInput } from '../domain/audit-event.js';
import type { PageCheck } from './page-check.js';
import { hashEventFields } from './row-hash.js';

export const GENESIS_HASH = '0'.repeat(64);

export interface ChainHead {
  seq: number;
  hash: string;
}

export const EMPTY_HEAD: ChainHead = { seq: 0, hash: GENESIS_HASH };

/** The hash of an event covers every field but itself, over RFC 8785 canonical JSON. */
export const hashEvent: (event: Omit<AuditEvent, 'hash'>) => string = hashEventFields;

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
    if (!this.follows(event.seq, event.prev_hash)) return false;
    if (hashEvent(event) !== event.hash) return this.fail('altered');
    this.head = { seq: event.seq, hash: event.hash };
    return true;
  }

  /**
   * Feeds a page that checkPage checked on its own: its first row must follow
   * the head, then its own verdict holds. Throws what made a row unreadable.
   */
  pushPage(page: PageCheck): boolean {
    if (!page.first || !page.last) return !this.failure;
    if (!this.follows(page.first.seq, page.first.prevHash)) return false;
    const broken = page.broken;
    if (broken) {
      // Rows before the break are whole, so the chain's head is the row just before it.
      this.head = { seq: page.first.seq + broken.index - 1, hash: '' };
      if (broken.kind === 'unreadable') throw new Error(broken.message);
      return this.fail(broken.kind, broken.kind === 'missing' ? broken.seq : undefined);
    }
    this.head = page.last;
    return true;
  }

  private follows(seq: number, prevHash: string): boolean {
    if (this.failure) return false;
    if (seq !== this.head.seq + 1) return this.fail('missing', seq);
    if (prevHash !== this.head.hash) return this.fail('unlinked');
    return true;
  }

  private fail(kind: 'missing' | 'unlinked' | 'altered', next?: number): false {
    const expected = this.head.seq + 1;
    const problem = {
      missing: `event ${expected} is missing (next stored event is ${next})`,
      unlinked: `event ${expected} does not link to event ${this.head.seq} (prev_hash differs)`,
      altered: `event ${expected} was altered (its content does not match its hash)`,
    }[kind];
    this.failure = { ok: false, events: this.head.seq, first_bad_seq: expected, problem };
    return false;
  }

  result(): VerifyResult {
    return this.failure ?? { ok: true, events: this.head.seq };
  }
}
