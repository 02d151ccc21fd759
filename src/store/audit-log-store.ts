import type { AuditEvent, AuditEventInput, AuditEventRow, AuditEventType } from '../domain/audit-event.js';
import type { Hash, NodeRef } from '../audit/merkle.js';

/** A signed checkpoint (C2SP signed note) of the audit log's Merkle tree. */
export interface StoredCheckpoint {
  tree_size: number;
  /** Hex SHA-256 root of the first `tree_size` events. */
  root_hash: string;
  /** The signed note text, exactly as signed. */
  note: string;
  signed_at: string;
}

/**
 * How another thread opens its own read-only view of the log, so that a long
 * log is verified on two cores: `module` (resolved with `moduleBeside`, so a
 * worker of compiled code loads compiled code) exports `openAuditRows(options): AuditRowReader`.
 */
export interface AuditRowSource {
  module: string;
  options: unknown;
}

export interface AuditRowReader {
  /** As AuditLogReader.auditRowsAfter. */
  rowsAfter(seq: number, limit: number): AuditEventRow[];
  close(): void;
}

/** Reading the audit log, its Merkle tree and its checkpoints: all that verification and proofs need. */
export interface AuditLogReader {
  /** The events of one proposal, read by index. */
  auditEventsFor(proposalId: string): Promise<AuditEvent[]>;
  /** One page of the log in seq order, for verification and export. */
  auditEventsAfter(seq: number, limit: number): Promise<AuditEvent[]>;
  /** The same page as rows, `data` as its stored text: the cheap read that whole-log verification makes. */
  auditRowsAfter(seq: number, limit: number): Promise<AuditEventRow[]>;
  /** Where a worker thread can read those rows itself; undefined if this store cannot be read that way. */
  auditRowSource(): AuditRowSource | undefined;
  /** The newest event of one type. */
  latestAuditEvent(type: AuditEventType): Promise<AuditEvent | undefined>;
  /** The `key.registered` and `key.revoked` events naming these key ids, in seq order: what offline signature checks trust. */
  keyEvents(keyIds: string[]): Promise<AuditEvent[]>;
  /** How many events the log holds: the size of its Merkle tree. */
  auditTreeSize(): Promise<number>;
  /**
   * Hashes of complete Merkle subtrees over the events' leaves (written with
   * the events, never changed), in the order asked; rejects if one is missing.
   */
  merkleNodes(refs: NodeRef[]): Promise<Hash[]>;
  /** The checkpoint with the largest tree size. */
  latestCheckpoint(): Promise<StoredCheckpoint | undefined>;
}

/**
 * The audit log. Events are appended in the transaction of the change they
 * record (see ProposalStore and IdentityStore), sealed into the hash chain and
 * the Merkle tree in commit order by src/audit/audit-appender.ts; these
 * methods append what belongs to no such change.
 */
export interface AuditLogStore extends AuditLogReader {
  /** Appends events that belong to no proposal or identity change (such as a policy load). */
  appendAuditEvents(events: AuditEventInput[]): Promise<void>;
  /** Keeps a signed checkpoint; a second one of the same size is ignored. Stored checkpoints never change. */
  saveCheckpoint(checkpoint: StoredCheckpoint): Promise<void>;
}
