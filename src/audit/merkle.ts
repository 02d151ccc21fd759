import { createHash } from 'node:crypto';
import { sha256Hex } from './sha256.js';

/**
 * RFC 6962 / RFC 9162 Merkle tree hashing, proofs and their verification.
 * Proof generation is written against `NodeRef`s (complete subtrees), so a
 * store that keeps every complete subtree's hash answers any proof with
 * O(log n) node reads.
 */

export type Hash = Buffer;

/** A complete (perfect) subtree: `2^level` leaves starting at leaf `index << level`. */
export interface NodeRef {
  level: number;
  index: number;
}

export interface StoredNode extends NodeRef {
  hash: Hash;
}

const sha256 = (...parts: Buffer[]): Hash => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

export const EMPTY_ROOT: Hash = sha256();
export const leafHash = (entry: Buffer): Hash => sha256(Buffer.of(0), entry);
export const nodeHash = (left: Hash, right: Hash): Hash => sha256(Buffer.of(1), left, right);

// Hex twins of leafHash and nodeHash for verification, which hashes millions of small nodes:
// their input is written into two reused buffers, as a Buffer per hash costs more than the hash.
const leafInput = Buffer.alloc(33); // 0x00 ‖ entry
const nodeInput = Buffer.alloc(65, 1); // 0x01 ‖ left ‖ right

/** leafHash of a 32-byte entry given as 64 hex digits, as hex. */
export function leafHex(entry: string): string {
  if (entry.length !== 64 || leafInput.write(entry, 1, 'hex') !== 32) throw new Error(`not a SHA-256 hex hash: ${entry}`);
  return sha256Hex(leafInput);
}

/** nodeHash of two hex hashes, as hex. */
export function nodeHex(left: string, right: string): string {
  nodeInput.write(left, 1, 'hex');
  nodeInput.write(right, 33, 'hex');
  return sha256Hex(nodeInput);
}

/**
 * Where a complete subtree is stored: post-order, so the nodes a new leaf
 * completes come right after it and every append writes at the end of one
 * index (a single B-tree page) instead of one page per level.
 */
export function storageIndex({ level, index }: NodeRef): number {
  // The node is written right after its last leaf and the `level - 1` nodes
  // that leaf completes below it. Before that leaf come leaf + leaf/2 +
  // leaf/4 + … ids: every earlier leaf and every node those leaves completed.
  let leaf = index;
  for (let l = level; l > 0; l--) leaf = 2 * leaf + 1;
  let stored = 0;
  for (let n = leaf; n > 0; n = Math.floor(n / 2)) stored += n;
  return stored + level;
}

/** Largest power of two strictly below n (n > 1). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** The complete subtrees that cover leaves [start, end), left to right (largest first). */
export function rangeNodes(start: number, end: number): NodeRef[] {
  const refs: NodeRef[] = [];
  for (let at = start; at < end; ) {
    let level = 0;
    // Grow while the block stays aligned and inside the range.
    while (at % 2 ** (level + 1) === 0 && at + 2 ** (level + 1) <= end) level++;
    refs.push({ level, index: at / 2 ** level });
    at += 2 ** level;
  }
  return refs;
}

/** The complete subtrees of a tree of `size` leaves: where the next leaf attaches. */
export const frontier = (size: number): NodeRef[] => rangeNodes(0, size);

/** MTH of a range from the hashes of its `rangeNodes`, folded right to left. */
export function foldRange(hashes: Hash[]): Hash {
  if (hashes.length === 0) return EMPTY_ROOT;
  let acc = hashes[hashes.length - 1]!;
  for (let i = hashes.length - 2; i >= 0; i--) acc = nodeHash(hashes[i]!, acc);
  return acc;
}

/**
 * Appends `leaves` to a tree of `size` leaves whose frontier hashes are
 * `frontierHashes` (in `frontier(size)` order). Returns every node this
 * completes, leaves included, for the store to write with the events, and
 * the new tree's frontier.
 */
export function appendLeaves(size: number, frontierHashes: Hash[], leaves: Hash[]): { nodes: StoredNode[]; frontier: Hash[] } {
  const refs = frontier(size);
  if (frontierHashes.length !== refs.length) throw new Error(`a tree of ${size} leaves has ${refs.length} frontier nodes, got ${frontierHashes.length}`);
  const stack: StoredNode[] = refs.map((ref, i) => ({ ...ref, hash: frontierHashes[i]! }));
  const nodes: StoredNode[] = [];
  leaves.forEach((hash, i) => {
    let node: StoredNode = { level: 0, index: size + i, hash };
    nodes.push(node);
    while (stack.length > 0 && stack[stack.length - 1]!.level === node.level) {
      const left = stack.pop()!;
      node = { level: node.level + 1, index: left.index / 2, hash: nodeHash(left.hash, node.hash) };
      nodes.push(node);
    }
    stack.push(node);
  });
  return { nodes, frontier: stack.map((n) => n.hash) };
}

/** A subtree [start, end) whose hash a proof needs. */
export type Range = readonly [start: number, end: number];

/** RFC 9162 §2.1.3.1 PATH(m, D[start:end]) as ranges, leaf side first. */
export function inclusionRanges(index: number, size: number): Range[] {
  if (index < 0 || index >= size) throw new RangeError(`leaf ${index} is not in a tree of ${size}`);
  const path: Range[] = [];
  for (let start = 0, end = size; end - start > 1; ) {
    const k = split(end - start);
    if (index < start + k) {
      path.push([start + k, end]);
      end = start + k;
    } else {
      path.push([start, start + k]);
      start += k;
    }
  }
  return path.reverse();
}

/** RFC 9162 §2.1.4.1 PROOF(m, D[n]) as ranges. */
export function consistencyRanges(m: number, n: number): Range[] {
  if (m < 1 || m > n) throw new RangeError(`no consistency proof from ${m} to ${n}`);
  const proof: Range[] = [];
  let start = 0;
  let end = n;
  let whole = true;
  let sub = m;
  while (sub !== end - start) {
    const k = split(end - start);
    if (sub <= k) {
      proof.push([start + k, end]);
      end = start + k;
    } else {
      proof.push([start, start + k]);
      start += k;
      sub -= k;
      whole = false;
    }
  }
  if (!whole) proof.push([start, end]);
  return proof.reverse();
}

/** Every node needed to hash `ranges`, deduplicated, with a way to fold them back. */
export function nodesFor(ranges: Range[]): { refs: NodeRef[]; hashes: (read: (ref: NodeRef) => Hash) => Hash[] } {
  const perRange = ranges.map(([s, e]) => rangeNodes(s, e));
  const seen = new Map<string, NodeRef>();
  for (const refs of perRange) for (const r of refs) seen.set(`${r.level}:${r.index}`, r);
  return { refs: [...seen.values()], hashes: (read) => perRange.map((refs) => foldRange(refs.map(read))) };
}

const equal = (a: Hash, b: Hash) => a.length === b.length && a.equals(b);

/** RFC 9162 §2.1.3.2: does `proof` put `leaf` at `index` of the tree with `root`? */
export function verifyInclusion(index: number, size: number, leaf: Hash, proof: Hash[], root: Hash): boolean {
  if (index < 0 || index >= size || leaf.length !== 32) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(r, root);
}

/** RFC 9162 §2.1.4.2: does `proof` show the tree (n, root2) extends (m, root1)? */
export function verifyConsistency(m: number, n: number, proof: Hash[], root1: Hash, root2: Hash): boolean {
  if (m < 1 || n < m) return false;
  if (m === n) return proof.length === 0 && equal(root1, root2);
  if (proof.length === 0) return false;
  const path = (m & (m - 1)) === 0 ? [root1, ...proof] : proof;
  let fn = m - 1;
  let sn = n - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(fr, root1) && equal(sr, root2);
}

/** A complete subtree of 2^level leaves, by its hex hash. */
export interface Subtree {
  level: number;
  hash: string;
}

/** The complete subtrees that take a tree to size `end`, left to right. */
export interface Span {
  end: number;
  nodes: Subtree[];
}

/** The hash of the complete subtree over `leaves` (hex, a power of two of them). */
function subtreeHex(leaves: string[]): string {
  let row = leaves;
  while (row.length > 1) {
    const up = new Array<string>(row.length / 2);
    for (let i = 0; i < up.length; i++) up[i] = nodeHex(row[2 * i]!, row[2 * i + 1]!);
    row = up;
  }
  return row[0]!;
}

/**
 * The complete subtrees over `leaves` (hex), which follow the first `start`
 * leaves of a tree, split at the tree sizes in `cuts`: one span per piece,
 * each with the tree size at its end, for CompactTree.pushSubtree.
 */
export function subtreeSpans(leaves: string[], start: number, cuts: number[]): Span[] {
  const end = start + leaves.length;
  const bounds = [...new Set(cuts)].filter((c) => c > start && c < end).sort((a, b) => a - b);
  const spans: Span[] = [];
  let from = start;
  for (const to of [...bounds, end]) {
    const nodes = rangeNodes(from, to).map(({ level, index }) => {
      const first = index * 2 ** level - start;
      return { level, hash: subtreeHex(leaves.slice(first, first + 2 ** level)) };
    });
    spans.push({ end: to, nodes });
    from = to;
  }
  return spans;
}

/** A tree kept as its frontier only: O(log n) memory, for re-hashing a whole log. */
export class CompactTree {
  private readonly stack: { level: number; hash: Hash }[] = [];
  size = 0;

  push(leaf: Hash): void {
    this.pushSubtree(0, leaf);
  }

  /** Appends a complete subtree of 2^level leaves by its hash; the tree's size must be a multiple of that. */
  pushSubtree(level: number, hash: Hash): void {
    if (this.size % 2 ** level !== 0) throw new Error(`a subtree of 2^${level} leaves cannot follow ${this.size} leaves`);
    let node = { level, hash };
    while (this.stack.length > 0 && this.stack[this.stack.length - 1]!.level === node.level) {
      node = { level: node.level + 1, hash: nodeHash(this.stack.pop()!.hash, node.hash) };
    }
    this.stack.push(node);
    this.size += 2 ** level;
  }

  root(): Hash {
    return foldRange(this.stack.map((n) => n.hash));
  }
}
