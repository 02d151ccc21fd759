import { consistencyRanges, type Hash, inclusionRanges, type NodeRef, nodesFor, type Range } from './merkle.js';

/** Reads stored complete-subtree hashes in the order asked (one store call). */
export type ReadNodes = (refs: NodeRef[]) => Promise<Hash[]>;

async function hashRanges(read: ReadNodes, ranges: Range[]): Promise<Hash[]> {
  const { refs, hashes } = nodesFor(ranges);
  const found = await read(refs);
  const byKey = new Map(refs.map((r, i) => [`${r.level}:${r.index}`, found[i]!]));
  return hashes((r) => byKey.get(`${r.level}:${r.index}`)!);
}

/** The root of the first `size` leaves: at most log2(size) node reads. */
export const rootAt = async (read: ReadNodes, size: number): Promise<Hash> => (await hashRanges(read, [[0, size]]))[0]!;

/** RFC 9162 inclusion proof of leaf `index` in the tree of `size` leaves. */
export const inclusionProof = (read: ReadNodes, index: number, size: number): Promise<Hash[]> => hashRanges(read, inclusionRanges(index, size));

/** RFC 9162 consistency proof from size `m` to size `n`. */
export const consistencyProof = (read: ReadNodes, m: number, n: number): Promise<Hash[]> =>
  m === n ? Promise.resolve([]) : hashRanges(read, consistencyRanges(m, n));
