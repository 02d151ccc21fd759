import type { AuditEventInput } from '../domain/audit-event.js';
import type { Change } from '../domain/change.js';
import type { Proposal, Status } from '../domain/proposal.js';

/** A proposer's key for one proposal: sending it again (a retry) must not propose twice. */
export interface IdempotencyKey {
  key: string;
  /** SHA-256 of the request, to tell a retry from a different proposal under a reused key. */
  request_hash: string;
}

export type InsertResult = { created: true } | { created: false; existing: Proposal; request_hash: string };

/** Reading proposals. */
export interface ProposalReader {
  getProposal(id: string): Promise<Proposal | undefined>;
  /** Newest first. */
  listProposals(query: { status?: Status; limit: number }): Promise<Proposal[]>;
  overdueProposalIds(nowIso: string, limit: number): Promise<string[]>;
}

/**
 * Proposals and their changes. Every method that changes state also appends
 * its audit events in the same transaction, sealed into the hash chain in
 * commit order.
 */
export interface ProposalStore extends ProposalReader {
  /**
   * Stores a new proposal with its events. With `once`, a proposal the same
   * proposer already stored under the same key is returned instead, and
   * nothing is written (also when two replicas race with the same key).
   */
  insertProposal(proposal: Proposal, events: AuditEventInput[], once?: IdempotencyKey): Promise<InsertResult>;
  /**
   * Applies `rule` to the current state of one proposal and commits what it
   * returns (the proposal, its decision record and its events), serialised
   * against every other update of that proposal (so a rule's read and write
   * can never interleave with another's). `rule` is pure and synchronous;
   * returning `undefined` commits nothing. Resolves to `undefined` if the
   * proposal does not exist.
   */
  updateProposal(id: string, rule: (current: Proposal) => Change | undefined): Promise<Change | undefined>;
}
