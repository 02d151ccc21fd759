import type { ApproverTallyReader } from './approver-tally-store.js';
import type { AuditLogReader, AuditLogStore } from './audit-log-store.js';
import type { ChangeFeed } from './change-feed.js';
import type { DeliveryQueue, DeliveryReader } from './delivery-queue.js';
import type { IdentityStore } from './identity-store.js';
import type { KeyStore } from './key-store.js';
import type { ProposalReader, ProposalStore } from './proposal-store.js';
import type { ReviewReader, ReviewStore } from './review-store.js';

export type * from './approver-tally-store.js';
export type * from './audit-log-store.js';
export type * from './change-feed.js';
export type * from './delivery-queue.js';
export type * from './identity-store.js';
export type * from './key-store.js';
export type * from './proposal-store.js';
export type * from './review-store.js';

/**
 * Every port one backend gives, for wiring: services ask only for the ports
 * they use. Every method that changes state also appends its audit events in
 * the same transaction, sealed into the hash chain in commit order.
 */
export interface Store extends ProposalStore, ReviewStore, ApproverTallyReader, IdentityStore, KeyStore, AuditLogStore, DeliveryQueue, ChangeFeed {
  close(): Promise<void>;
}

/**
 * What the auditor commands read, from a database opened read-only: they
 * can neither migrate, nor build Merkle nodes, nor store a checkpoint.
 */
export interface ReadOnlyStore extends ProposalReader, ReviewReader, AuditLogReader, DeliveryReader {
  close(): Promise<void>;
}
