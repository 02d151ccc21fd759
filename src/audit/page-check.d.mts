import type { AuditEventRow } from '../domain/audit-event.js';
import type { Span } from './log-tree.mjs';

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

/** Checks a page of rows on its own, as if its first row linked to what comes before. */
export declare function checkPage(rows: AuditEventRow[], cuts: number[]): PageCheck;
