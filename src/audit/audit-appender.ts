import type { AuditEvent, AuditEventInput } from '../domain/audit-event.js';
import { eventLeaf } from './audit-leaf.js';
import { canonicalJson } from './canonical-json.js';
import { type ChainHead, EMPTY_HEAD, sealEvent } from './hash-chain.js';
import { appendLeaves, type Hash, storageIndex } from './merkle.js';

/**
 * The one audit appender: sealing events into the hash chain and extending
 * the Merkle tree over them, written once for every store. A store provides
 * the transactional primitive (AuditLogTx) and only SQL behind it.
 */

/** The log's tip, kept in one row beside it: what the next event links to and the next leaf attaches to. */
export interface LogHead extends ChainHead {
  /** Hashes of the tree's complete subtrees `frontier(seq)`, left to right. */
  frontier: Hash[];
}

export const EMPTY_LOG: LogHead = { ...EMPTY_HEAD, frontier: [] };

/** A Merkle node as stored: its post-order `storageIndex` and its hash. */
export interface NodeRow {
  id: number;
  hash: Hash;
}

/** An event as stored: `data` as canonical JSON text, so verification can hash the stored text as it is. */
export type EventRecord = Omit<AuditEvent, 'data'> & { data: string };

/** One append, sealed: everything the store writes in the transaction that locked `head`. */
export interface SealedAppend {
  events: AuditEvent[];
  records: EventRecord[];
  /** The nodes the new leaves complete, leaves included. */
  nodes: NodeRow[];
  /** The head after the append. */
  head: LogHead;
}

/**
 * What a store does inside one of its write transactions (synchronously on
 * SQLite, awaited on PostgreSQL). `lockHead` reads the head and holds it
 * until the transaction ends, so appenders queue there and the chain is in
 * commit order; `write` inserts the sealed rows and nodes and moves the head.
 */
export interface AuditLogTx<Head extends LogHead | Promise<LogHead> = LogHead, Done extends void | Promise<void> = void> {
  lockHead(): Head;
  write(append: SealedAppend): Done;
}

/** A Merkle tree grown a batch of events at a time, from its frontier. */
export class TreeGrower {
  constructor(
    public size: number,
    public frontier: Hash[],
  ) {}

  /** Adds the leaves of events with these chain hashes; returns the nodes they complete. */
  grow(eventHashes: string[]): NodeRow[] {
    const tree = appendLeaves(this.size, this.frontier, eventHashes.map((hash) => eventLeaf({ hash })));
    this.size += eventHashes.length;
    this.frontier = tree.frontier;
    return tree.nodes.map((n) => ({ id: storageIndex(n), hash: n.hash }));
  }
}

/** Seals `inputs` after `head`: each linked to the one before it, each a new leaf of the tree. */
export function sealAppend(head: LogHead, inputs: AuditEventInput[]): SealedAppend {
  let tip: ChainHead = head;
  const events = inputs.map((input) => (tip = sealEvent(tip, input)) as AuditEvent);
  const tree = new TreeGrower(head.seq, head.frontier);
  const nodes = tree.grow(events.map((e) => e.hash));
  return {
    events,
    records: events.map((e) => ({ ...e, data: canonicalJson(e.data) })),
    nodes,
    head: { seq: tip.seq, hash: tip.hash, frontier: tree.frontier },
  };
}

/** Appends `inputs` inside the transaction of `tx`; nothing to append takes no lock. */
export function appendAudit(tx: AuditLogTx, inputs: AuditEventInput[]): AuditEvent[] {
  if (inputs.length === 0) return [];
  const sealed = sealAppend(tx.lockHead(), inputs);
  tx.write(sealed);
  return sealed.events;
}

/** appendAudit for a store whose primitive is asynchronous. */
export async function appendAuditAsync(tx: AuditLogTx<Promise<LogHead>, Promise<void>>, inputs: AuditEventInput[]): Promise<AuditEvent[]> {
  if (inputs.length === 0) return [];
  const sealed = sealAppend(await tx.lockHead(), inputs);
  await tx.write(sealed);
  return sealed.events;
}

/**
 * The tree still to build for a log whose head keeps no frontier: none if
 * the log is empty or the frontier is there. A database from before the
 * tree starts from its first event; one whose tree was built before its
 * head kept the frontier (`storedFrontier`: the nodes `frontier(head.seq)`)
 * starts from there. The store feeds the grower the events after its size.
 */
export function treeToRestore(head: LogHead, storedFrontier: () => Hash[] | undefined): TreeGrower | undefined {
  if (head.seq === 0 || head.frontier.length > 0) return undefined;
  const front = storedFrontier();
  return front ? new TreeGrower(head.seq, front) : new TreeGrower(0, []);
}

