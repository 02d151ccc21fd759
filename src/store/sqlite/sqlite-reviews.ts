import type Database from 'better-sqlite3';
import type { DecisionRecord } from '../../domain/change.js';
import { NO_END } from '../review-store.js';
import type { ReviewReader, ReviewStore, ViewRecord } from '../review-store.js';

export function sqliteReviewReader(db: Database.Database): ReviewReader {
  const sql = {
    firstView: db.prepare<[string, string], { first_at: number }>('SELECT first_at FROM views WHERE proposal_id = ? AND identity = ?'),
    listDecisions: db.prepare<{ since: string; until: string | null; identities: string | null }, DecisionRecord>(
      `SELECT proposal_id, identity, principal, verdict, at, review_ms, reason FROM decisions
       WHERE at >= @since AND at < @until AND (@identities IS NULL OR identity IN (SELECT value FROM json_each(@identities))) ORDER BY at`,
    ),
    viewsOf: db.prepare<[string], ViewRecord>('SELECT proposal_id, identity, first_at FROM views WHERE proposal_id IN (SELECT value FROM json_each(?)) ORDER BY first_at'),
  };
  return {
    async firstViewedAt(proposalId, identity) {
      return sql.firstView.get(proposalId, identity)?.first_at;
    },
    async listDecisions(since = '', until, identities) {
      return sql.listDecisions.all({ since, until: until ?? NO_END, identities: identities ? JSON.stringify(identities) : null });
    },
    async listViews(proposalIds) {
      return proposalIds.length === 0 ? [] : sql.viewsOf.all(JSON.stringify(proposalIds));
    },
  };
}

export function sqliteReviewStore(db: Database.Database): ReviewStore {
  const recordView = db.prepare('INSERT INTO views (proposal_id, identity, first_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
  return {
    ...sqliteReviewReader(db),
    async recordView(proposalId, identity, at) {
      recordView.run(proposalId, identity, at);
    },
  };
}
