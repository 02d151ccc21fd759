import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CompactTree, type Hash, leafHash, nodeHash, verifyConsistency, verifyInclusion } from '../../src/audit/merkle.js';
import { memoryTree } from './merkle-test-tree.js';

const MAX = 200;
const leaves = Array.from({ length: MAX }, (_, i) => leafHash(Buffer.from(`event ${i}`)));
const tree = memoryTree(leaves);
const flip = (h: Hash) => {
  const copy = Buffer.from(h);
  copy[0]! ^= 1;
  return copy;
};

/** The textbook recursive MTH, to check the incremental nodes against. */
function mth(from: Hash[]): Hash {
  if (from.length === 0) return createHash('sha256').digest();
  if (from.length === 1) return from[0]!;
  let k = 1;
  while (k * 2 < from.length) k *= 2;
  return nodeHash(mth(from.slice(0, k)), mth(from.slice(k)));
}

describe('Merkle tree properties, every size up to 200', () => {
  it('stored nodes and the streaming tree give the recursive root at every size', () => {
    const compact = new CompactTree();
    for (let n = 1; n <= MAX; n++) {
      compact.push(leaves[n - 1]!);
      const want = mth(leaves.slice(0, n));
      expect(tree.root(n).equals(want), `size ${n}`).toBe(true);
      expect(compact.root().equals(want), `compact size ${n}`).toBe(true);
    }
  });

  it('verifies every inclusion proof, and refuses it for another leaf, index, root or a changed or shortened proof', () => {
    let checked = 0;
    for (let n = 1; n <= MAX; n++) {
      const root = tree.root(n);
      for (let i = 0; i < n; i++) {
        const proof = tree.inclusion(i, n);
        expect(verifyInclusion(i, n, leaves[i]!, proof, root)).toBe(true);
        expect(verifyInclusion(i, n, leaves[(i + 1) % MAX]!, proof, root)).toBe(false);
        expect(verifyInclusion(i, n, leaves[i]!, proof, flip(root))).toBe(false);
        if (n > 1) expect(verifyInclusion((i + 1) % n, n, leaves[i]!, proof, root)).toBe(false);
        if (proof.length > 0) {
          expect(verifyInclusion(i, n, leaves[i]!, [flip(proof[0]!), ...proof.slice(1)], root)).toBe(false);
          expect(verifyInclusion(i, n, leaves[i]!, proof.slice(1), root)).toBe(false);
        }
        checked++;
      }
    }
    expect(checked).toBe((MAX * (MAX + 1)) / 2);
  });

  it('verifies every consistency proof, and refuses it for a changed root, size or proof', () => {
    for (let n = 1; n <= MAX; n++) {
      const root2 = tree.root(n);
      for (let m = 1; m <= n; m++) {
        const root1 = tree.root(m);
        const proof = tree.consistency(m, n);
        expect(verifyConsistency(m, n, proof, root1, root2), `${m}→${n}`).toBe(true);
        expect(verifyConsistency(m, n, proof, flip(root1), root2)).toBe(false);
        expect(verifyConsistency(m, n, proof, root1, flip(root2))).toBe(false);
        if (m < n) {
          expect(verifyConsistency(m, n, [...proof.slice(0, -1), flip(proof[proof.length - 1]!)], root1, root2)).toBe(false);
          expect(verifyConsistency(m + 1, n, proof, root1, root2)).toBe(false);
          expect(verifyConsistency(m, n, proof.slice(1), root1, root2)).toBe(false);
        }
      }
    }
  });

  it('keeps proofs logarithmic: at most ceil(log2 n) hashes', () => {
    for (let n = 1; n <= MAX; n++) {
      const bound = Math.ceil(Math.log2(n));
      for (let i = 0; i < n; i++) expect(tree.inclusion(i, n).length).toBeLessThanOrEqual(bound);
      for (let m = 1; m <= n; m++) expect(tree.consistency(m, n).length).toBeLessThanOrEqual(bound + 1);
    }
  });
});

describe('Merkle node storage order', () => {
  it('stores nodes in post-order: each append writes the ids right after the previous ones, none twice', async () => {
    const { appendLeaves, frontier, storageIndex } = await import('../../src/audit/merkle.js');
    const seen = new Set<number>();
    let next = 0;
    const hashes: Hash[] = [];
    for (let n = 0; n < 300; n++) {
      const front = frontier(n).map((r) => hashes[storageIndex(r)]!);
      for (const node of appendLeaves(n, front, [leaves[n % MAX]!]).nodes) {
        const id = storageIndex(node);
        expect(id).toBe(next++);
        expect(seen.has(id)).toBe(false);
        seen.add(id);
        hashes[id] = node.hash;
      }
    }
  });
});
