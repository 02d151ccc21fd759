// Plain JavaScript (typed by log-tree.d.mts) so a worker thread can load it without tsx.
import { sha256Hex } from './sha256.mjs';

// Hashes are kept as hex and written into two reused buffers: verification
// hashes millions of small nodes, and a Buffer per hash costs more than the hash.
const leafInput = Buffer.alloc(33); // 0x00 ‖ event hash
const nodeInput = Buffer.alloc(65, 1); // 0x01 ‖ left ‖ right

/** eventLeaf (audit-leaf.ts) of an event's chain hash (64 hex digits), as hex. */
export function leafHex(eventHash) {
  if (eventHash.length !== 64 || leafInput.write(eventHash, 1, 'hex') !== 32) throw new Error(`not a SHA-256 hex hash: ${eventHash}`);
  return sha256Hex(leafInput);
}

/** nodeHash (merkle.ts) of two hex hashes, as hex. */
export function nodeHex(left, right) {
  nodeInput.write(left, 1, 'hex');
  nodeInput.write(right, 33, 'hex');
  return sha256Hex(nodeInput);
}

/** merkle.ts rangeNodes: the complete subtrees covering leaves [start, end), left to right. */
function rangeNodes(start, end) {
  const refs = [];
  for (let at = start; at < end; ) {
    let level = 0;
    while (at % 2 ** (level + 1) === 0 && at + 2 ** (level + 1) <= end) level++;
    refs.push({ level, first: at });
    at += 2 ** level;
  }
  return refs;
}

/** The hash of the complete subtree over `leaves` (a power of two of them). */
function subtreeHex(leaves) {
  let row = leaves;
  while (row.length > 1) {
    const up = new Array(row.length / 2);
    for (let i = 0; i < up.length; i++) up[i] = nodeHex(row[2 * i], row[2 * i + 1]);
    row = up;
  }
  return row[0];
}

/**
 * The complete subtrees over the leaves of events `start + 1 ..` (given by
 * their chain hashes), split at the tree sizes in `cuts`: one span per piece,
 * each with the tree size at its end, for LogTree.pushSubtree.
 */
export function subtreeSpans(eventHashes, start, cuts) {
  const leaves = eventHashes.map(leafHex);
  const end = start + leaves.length;
  const bounds = [...new Set(cuts)].filter((c) => c > start && c < end).sort((a, b) => a - b);
  const spans = [];
  let from = start;
  for (const to of [...bounds, end]) {
    const nodes = rangeNodes(from, to).map(({ level, first }) => ({ level, hash: subtreeHex(leaves.slice(first - start, first - start + 2 ** level)) }));
    spans.push({ end: to, nodes });
    from = to;
  }
  return spans;
}

const EMPTY_ROOT = sha256Hex(Buffer.alloc(0));

/**
 * The log's Merkle tree as CompactTree (merkle.ts) keeps it, its frontier
 * only, grown by events' chain hashes or by whole complete subtrees.
 */
export class LogTree {
  levels = [];
  hashes = [];
  size = 0;

  /** Appends the leaf of an event whose chain hash (64 hex digits) was checked. */
  push(eventHash) {
    this.pushSubtree(0, leafHex(eventHash));
  }

  /** Appends a complete subtree of 2^level leaves; the tree's size must be a multiple of that. */
  pushSubtree(level, hash) {
    if (this.size % 2 ** level !== 0) throw new Error(`a subtree of 2^${level} leaves cannot follow ${this.size} leaves`);
    let h = hash;
    let l = level;
    while (this.levels.length > 0 && this.levels[this.levels.length - 1] === l) {
      this.levels.pop();
      h = nodeHex(this.hashes.pop(), h);
      l++;
    }
    this.levels.push(l);
    this.hashes.push(h);
    this.size += 2 ** level;
  }

  /** The root (RFC 6962 MTH) of the leaves so far, as a Buffer. */
  root() {
    let acc = this.hashes.length === 0 ? EMPTY_ROOT : this.hashes[this.hashes.length - 1];
    for (let i = this.hashes.length - 2; i >= 0; i--) acc = nodeHex(this.hashes[i], acc);
    return Buffer.from(acc, 'hex');
  }
}
