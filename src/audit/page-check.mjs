// Plain JavaScript (typed by page-check.d.mts) so a worker thread can load it without tsx.
import { subtreeSpans } from './log-tree.mjs';
import { rowHash } from './row-hash.mjs';

/**
 * Checks one page of log rows on its own, as if its first row linked to what
 * comes before (ChainVerifier.pushPage checks that): each later row follows
 * the one before in seq and prev_hash, and each row's content gives its
 * hash. Names the first row that breaks; if none does, gives the page's
 * Merkle subtrees, split at the tree sizes in `cuts`.
 */
export function checkPage(rows, cuts) {
  const n = rows.length;
  const page = {
    rows: n,
    first: n > 0 ? { seq: rows[0][0], prevHash: rows[0][7] } : null,
    last: n > 0 ? { seq: rows[n - 1][0], hash: rows[n - 1][8] } : null,
    broken: null,
    spans: [],
  };
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    if (i > 0 && row[0] !== rows[i - 1][0] + 1) return { ...page, broken: { index: i, kind: 'missing', seq: row[0] } };
    if (i > 0 && row[7] !== rows[i - 1][8]) return { ...page, broken: { index: i, kind: 'unlinked' } };
    let hash;
    try {
      hash = rowHash(row);
    } catch (error) {
      // Not a verdict: ChainVerifier.pushPage throws it, unless an earlier row broke the chain.
      return { ...page, broken: { index: i, kind: 'unreadable', message: error instanceof Error ? error.message : String(error) } };
    }
    if (hash !== row[8]) return { ...page, broken: { index: i, kind: 'altered' } };
  }
  if (n > 0) page.spans = subtreeSpans(rows.map((r) => r[8]), rows[0][0] - 1, cuts);
  return page;
}
