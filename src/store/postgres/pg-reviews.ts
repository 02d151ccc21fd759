import type { Pool } from 'pg';
import type { DecisionRecord } from '../../domain/change.js';
import { NO_END } from '../review-store.js';
import type { ReviewReader, ReviewStore, ViewRecord } from '../review-store.js';

export function pgReviewReader(pool: Pick<Pool, 'query'>): ReviewReader {
  return {
    async firstViewedAt(proposalId, identity) {
      const { rows } = await pool.query<{ first_at: number }>('SELECT first_at FROM views WHERE proposal_id = $1 AND identity = $2', [proposalId, identity]);
      return rows[0]?.first_at;
    },
    async listDecisions(since = '', until, identities) {
      const { rows } = await pool.query<DecisionRecord>(
        `SELECT proposal_id, identity, principal, verdict, at, review_ms, reason FROM decisions
         WHERE at >= $1 AND at < $2 AND ($3::text[] IS NULL OR identity = ANY($3)) ORDER BY at`,
        [since, until ?? NO_END, identities ?? null],
      );
      return rows;
    },
    async listViews(proposalIds) {
      const { rows } = await pool.query<ViewRecord>(
        'SELECT proposal_id, identity, first_at FROM views WHERE proposal_id = ANY($1) ORDER BY first_at',
        [proposalIds],
      );
      return rows;
    },
  };
}

export function pgReviewStore(pool: Pool): ReviewStore {
  return {
    ...pgReviewReader(pool),
    async recordView(proposalId, identity, at) {
      await pool.query('INSERT INTO views (proposal_id, identity, first_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [proposalId, identity, at]);
    },
  };
}
