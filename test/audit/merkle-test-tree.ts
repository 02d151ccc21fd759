import { type Hash, type NodeRef, appendLeaves, consistencyRanges, inclusionRanges, nodesFor } from '../../src/audit/merkle.js';

/** An in-memory node table built with `appendLeaves`, as a store keeps it. */
export function memoryTree(leaves: Hash[]) {
  const nodes = new Map<string, Hash>();
  const key = (r: NodeRef) => `${r.level}:${r.index}`;
  leaves.forEach((leaf, i) => {
    const frontierHashes = nodesFor([[0, i]]).refs.map((r) => nodes.get(key(r))!);
    for (const n of appendLeaves(i, frontierHashes, [leaf]).nodes) nodes.set(key(n), n.hash);
  });
  const read = (r: NodeRef) => {
    const hash = nodes.get(key(r));
    if (!hash) throw new Error(`node ${key(r)} missing`);
    return hash;
  };
  return {
    nodes,
    root: (size: number) => nodesFor([[0, size]]).hashes(read)[0]!,
    inclusion: (index: number, size: number) => nodesFor(inclusionRanges(index, size)).hashes(read),
    consistency: (m: number, n: number) => nodesFor(consistencyRanges(m, n)).hashes(read),
  };
}
