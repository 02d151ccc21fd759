import type { AuditEventRow } from '../domain/audit-event.js';
import { eventLeafHex } from './audit-leaf.js';
import { type Span, subtreeSpans } from './merkle.js';
import { rowHash } from './row-hash.js';

/** The first row of a page that breaks the chain: by its index in the page. */
export type PageBreak =
  | { index: number; kind: 'missing'; seq: number }
  | { index: number; kind: 'unlinked' | 'altered' }
  | { index: number; kind: 'unreadable'; message: string };

/** One page of the log checked on its own (structured-cloneable, for worker threads). */
export interface PageCheck {
  rows: number;
  first: { seq: number; prevHash: string } | null;
  last: { seq: number; hash: string } | null;
  broken: PageBreak | null;
  /** The page's Merkle subtrees, when nothing broke. */
  spans: Span[];
}

/**
 * Checks one page of log rows on its own, as if its first row linked to what
 * comes before (ChainVerifier.pushPage checks that): each later row follows
 * the one before in seq and prev_hash, and each row's content gives its
 * hash. Names the first row that breaks; if none does, gives the page's
 * Merkle subtrees, split at the tree sizes in `cuts`.
 */
export function checkPage(rows: AuditEventRow[], cuts: number[]): PageCheck {
  const n = rows.length;
  const page: PageCheck = {
    rows: n,
    first: n > 0 ? { seq: rows[0]![0], prevHash: rows[0]![7] } : null,
    last: n > 0 ? { seq: rows[n - 1]![0], hash: rows[n - 1]![8] } : null,
    broken: null,
    spans: [],
  };
  for (let i = 0; i < n; i++) {
    const row = rows[i]!;
    if (i > 0 && row[0] !== rows[i - 1]![0] + 1) return { ...page, broken: { index: i, kind: 'missing', seq: row[0] } };
    if (i > 0 && row[7] !== rows[i - 1]![8]) return { ...page, broken: { index: i, kind: 'unlinked' } };
    let hash: string;
    try {
      hash = rowHash(row);
    } catch (error) {
      // Not a verdict: ChainVerifier.pushPage throws it, unless an earlier row broke the chain.
      return { ...page, broken: { index: i, kind: 'unreadable', message: error instanceof Error ? error.message : String(error) } };
    }
    if (hash !== row[8]) return { ...page, broken: { index: i, kind: 'altered' } };
  }
  if (n > 0) page.spans = subtreeSpans(rows.map((r) => eventLeafHex(r[8])), rows[0]![0] - 1, cuts);
  return page;
}
