import { EMPTY_ROOT, type Hash } from './merkle.js';
import { sha256Hex } from './sha256.js';

/**
 * The log's Merkle tree as CompactTree keeps it (its frontier only), fed with
 * the events' chain hashes, for re-hashing a whole log: the same leaves
 * (eventLeaf) and nodes, with hashes kept as hex and written into two reused
 * buffers, because a Buffer per hash costs more than the hash itself.
 */
export class LogTree {
  private readonly levels: number[] = [];
  private readonly hashes: string[] = [];
  private readonly leafInput = Buffer.alloc(33); // 0x00 ‖ event hash
  private readonly nodeInput = Buffer.alloc(65); // 0x01 ‖ left ‖ right
  size = 0;

  constructor() {
    this.nodeInput[0] = 1;
  }

  /** Appends the leaf of an event whose chain hash (64 hex digits) was checked. */
  push(eventHash: string): void {
    if (this.leafInput.write(eventHash, 1, 'hex') !== 32 || eventHash.length !== 64) throw new Error(`not a SHA-256 hex hash: ${eventHash}`);
    let hash = sha256Hex(this.leafInput);
    let level = 0;
    while (this.levels.length > 0 && this.levels[this.levels.length - 1] === level) {
      this.levels.pop();
      hash = this.node(this.hashes.pop()!, hash);
      level++;
    }
    this.levels.push(level);
    this.hashes.push(hash);
    this.size++;
  }

  root(): Hash {
    if (this.size === 0) return EMPTY_ROOT;
    let acc = this.hashes[this.hashes.length - 1]!;
    for (let i = this.hashes.length - 2; i >= 0; i--) acc = this.node(this.hashes[i]!, acc);
    return Buffer.from(acc, 'hex');
  }

  private node(left: string, right: string): string {
    this.nodeInput.write(left, 1, 'hex');
    this.nodeInput.write(right, 33, 'hex');
    return sha256Hex(this.nodeInput);
  }
}
