/** Committed changes, as they happen: what wakes long-polls and live pages. */
export interface ChangeFeed {
  /** Calls `listener` with a proposal id after every committed change to it (on any replica); returns an unsubscribe function. */
  onProposalChange(listener: (id: string) => void): () => void;
}
