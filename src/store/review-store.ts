import type { DecisionRecord } from '../domain/change.js';

/** Later than any ISO time: a range's end when it has none (a bound the index can use, unlike an optional one). */
export const NO_END = '9999-12-31T23:59:59.999Z';

/** The first time an identity viewed a proposal. */
export interface ViewRecord {
  proposal_id: string;
  identity: string;
  first_at: number;
}

/** Reading how approvers reviewed: first views and decisions (decisions are written with their proposal's change). */
export interface ReviewReader {
  firstViewedAt(proposalId: string, identity: string): Promise<number | undefined>;
  /** Decisions made at or after `since` and before `until` (ISO), oldest first; only by `identities` if given. */
  listDecisions(since?: string, until?: string, identities?: string[]): Promise<DecisionRecord[]>;
  /** Who viewed these proposals, and when first. */
  listViews(proposalIds: string[]): Promise<ViewRecord[]>;
}

/** Reviews, for the rubber-stamp and expiry reports. */
export interface ReviewStore extends ReviewReader {
  /** Remembers the first time an identity viewed a proposal; later views change nothing. */
  recordView(proposalId: string, identity: string, at: number): Promise<void>;
}
