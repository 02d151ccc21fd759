import type { AuditEvent, AuditEventInput, AuditEventType, AuditEventRow } from '../domain/audit-event.js';
import type { Change, DecisionRecord } from '../domain/change.js';
import type { Identity } from '../domain/identity.js';
import type { Proposal, Status } from '../domain/proposal.js';
import type { Hash, NodeRef } from '../audit/merkle.js';

/** A stored identity with the credential that authenticates it. */
export interface IdentityRecord {
  identity: Identity;
  token_id: string;
  /** SHA-256 of the token's secret part; the token itself is never stored. */
  token_hash: Buffer;
}

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
 * log is verified on two cores: `module` is plain JavaScript (a worker loads
 * it without tsx) exporting `openAuditRows(options): AuditRowReader`.
 */
export interface AuditRowSource {
  module: string;
  options: unknown;
}

export interface AuditRowReader {
  /** As Store.auditRowsAfter. */
  rowsAfter(seq: number, limit: number): AuditEventRow[];
  close(): void;
}

/**
 * What the service needs from storage, and nothing more. Every method that
 * changes state also appends its audit events in the same transaction, sealed
 * into the hash chain in commit order.
 */
export interface Store {
  insertProposal(proposal: Proposal, events: AuditEventInput[]): Promise<void>;
  /**
   * Applies `rule` to the current state of one proposal and commits what it
   * returns, serialised against every other update of that proposal (so a
   * rule's read and write can never interleave with another's). `rule` is
   * pure and synchronous; returning `undefined` commits nothing. Resolves to
   * `undefined` if the proposal does not exist.
   */
  updateProposal(id: string, rule: (current: Proposal) => Change | undefined): Promise<Change | undefined>;
  getProposal(id: string): Promise<Proposal | undefined>;
  /** Newest first. */
  listProposals(query: { status?: Status; limit: number }): Promise<Proposal[]>;
  overdueProposalIds(nowIso: string, limit: number): Promise<string[]>;

  /** Remembers the first time an identity viewed a proposal; later views change nothing. */
  recordView(proposalId: string, identity: string, at: number): Promise<void>;
  firstViewedAt(proposalId: string, identity: string): Promise<number | undefined>;
  listDecisions(): Promise<DecisionRecord[]>;

  insertIdentity(record: IdentityRecord, events: AuditEventInput[]): Promise<void>;
  getIdentity(name: string): Promise<Identity | undefined>;
  findCredential(tokenId: string): Promise<IdentityRecord | undefined>;
  countIdentities(): Promise<number>;

  /** The events of one proposal, read by index. */
  auditEventsFor(proposalId: string): Promise<AuditEvent[]>;
  /** One page of the log in seq order, for verification and export. */
  auditEventsAfter(seq: number, limit: number): Promise<AuditEvent[]>;
  /** The same page as rows, `data` as its stored text: the cheap read that whole-log verification makes. */
  auditRowsAfter(seq: number, limit: number): Promise<AuditEventRow[]>;
  /** Where a worker thread can read those rows itself; undefined if this store cannot be read that way. */
  auditRowSource(): AuditRowSource | undefined;

  /** Appends events that belong to no proposal or identity change (such as a policy load). */
  appendAuditEvents(events: AuditEventInput[]): Promise<void>;
  /** The newest event of one type. */
  latestAuditEvent(type: AuditEventType): Promise<AuditEvent | undefined>;
  /** How many events the log holds: the size of its Merkle tree. */
  auditTreeSize(): Promise<number>;
  /**
   * Hashes of complete Merkle subtrees over the events' leaves (written with
   * the events, never changed), in the order asked; rejects if one is missing.
   */
  merkleNodes(refs: NodeRef[]): Promise<Hash[]>;
  /** Keeps a signed checkpoint; a second one of the same size is ignored. */
  saveCheckpoint(checkpoint: StoredCheckpoint): Promise<void>;
  /** The checkpoint with the largest tree size. */
  latestCheckpoint(): Promise<StoredCheckpoint | undefined>;

  /** Calls `listener` with a proposal id after every committed change to it. */
  onProposalChange(listener: (id: string) => void): () => void;
  close(): Promise<void>;
}
