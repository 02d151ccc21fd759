import type { AuditEvent, AuditEventInput, AuditEventType, AuditEventRow } from '../domain/audit-event.js';
import type { Change, DecisionRecord } from '../domain/change.js';
import type { Identity } from '../domain/identity.js';
import type { Proposal, Status } from '../domain/proposal.js';
import type { Hash, NodeRef } from '../audit/merkle.js';
import type { KeyStore } from './key-store.js';

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

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** One notification for one webhook, with the fate of its delivery. */
export interface Delivery {
  /** `<webhook>/<notification key>`: the same notification is queued once, whichever replica sees it. */
  id: string;
  webhook: string;
  event_type: string;
  proposal_id: string | null;
  /** The audit event that caused it, if one did. */
  seq: number | null;
  /** The request body, fixed when queued so every attempt sends the same bytes. */
  body: string;
  status: DeliveryStatus;
  attempts: number;
  /** Epoch ms of the next attempt while pending. */
  next_attempt_at: number;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

export type NewDelivery = Pick<Delivery, 'id' | 'webhook' | 'event_type' | 'proposal_id' | 'seq' | 'body' | 'created_at' | 'next_attempt_at'> & {
  /** Epoch ms until which the queuing replica holds it to send at once; 0 leaves it to whoever leases it. */
  lease_until: number;
};

/** How one attempt ended; `pending` again means another attempt at `next_attempt_at`. */
export type DeliveryAttempt = Pick<Delivery, 'id' | 'status' | 'attempts' | 'next_attempt_at' | 'last_error' | 'delivered_at'>;

/** A proposer's key for one proposal: sending it again (a retry) must not propose twice. */
export interface IdempotencyKey {
  key: string;
  /** SHA-256 of the request, to tell a retry from a different proposal under a reused key. */
  request_hash: string;
}

export type InsertResult = { created: true } | { created: false; existing: Proposal; request_hash: string };

/** The first time an identity viewed a proposal. */
export interface ViewRecord {
  proposal_id: string;
  identity: string;
  first_at: number;
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
export interface Store extends KeyStore {
  /**
   * Stores a new proposal with its events. With `once`, a proposal the same
   * proposer already stored under the same key is returned instead, and
   * nothing is written (also when two replicas race with the same key).
   */
  insertProposal(proposal: Proposal, events: AuditEventInput[], once?: IdempotencyKey): Promise<InsertResult>;
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
  /** Decisions made at or after `since` (ISO), oldest first. */
  listDecisions(since?: string): Promise<DecisionRecord[]>;
  /** Who viewed these proposals, and when first. */
  listViews(proposalIds: string[]): Promise<ViewRecord[]>;

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

  /**
   * Queues deliveries; an id already queued (by this or another replica) is
   * left as it is. Resolves to the ids this call queued: only those are the
   * caller's to send under their lease.
   */
  enqueueDeliveries(deliveries: NewDelivery[]): Promise<string[]>;
  /**
   * Takes up to `limit` pending deliveries due at `now` that no one else holds,
   * and holds them for `leaseMs` (a replica that dies mid-delivery lets go).
   */
  leaseDueDeliveries(now: number, leaseMs: number, limit: number): Promise<Delivery[]>;
  /** Records how attempts ended (several at once, in one transaction), releasing their leases. */
  recordDeliveryAttempts(attempts: DeliveryAttempt[]): Promise<void>;
  /** Newest first. */
  listDeliveries(query: { status?: DeliveryStatus; proposalIds?: string[]; limit: number }): Promise<Delivery[]>;
  /** The highest audit seq any delivery was queued for (0 if none): where notifying resumes. */
  notifiedThroughSeq(): Promise<number>;

  /** Ends a UI session on every replica; remembered until it would have expired anyway. */
  revokeSession(sid: string, expiresAt: number, now: number): Promise<void>;
  sessionRevoked(sid: string): Promise<boolean>;

  /** Calls `listener` with a proposal id after every committed change to it. */
  onProposalChange(listener: (id: string) => void): () => void;
  close(): Promise<void>;
}
