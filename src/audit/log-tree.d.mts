/** A complete subtree of 2^level leaves, by its hex hash. */
export interface Subtree {
  level: number;
  hash: string;
}

/** The subtrees covering the leaves up to tree size `end`. */
export interface Span {
  end: number;
  nodes: Subtree[];
}

/** eventLeaf of a chain hash (64 hex digits), as hex. */
export declare function leafHex(eventHash: string): string;
/** nodeHash of two hex hashes, as hex. */
export declare function nodeHex(left: string, right: string): string;
/** The complete subtrees over the leaves of events start + 1 .., split at the tree sizes in `cuts`. */
export declare function subtreeSpans(eventHashes: string[], start: number, cuts: number[]): Span[];

/** The log's Merkle tree kept as its frontier, grown by events' chain hashes or whole subtrees. */
export declare class LogTree {
  size: number;
  push(eventHash: string): void;
  pushSubtree(level: number, hash: string): void;
  root(): Buffer;
}
