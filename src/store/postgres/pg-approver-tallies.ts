import type { Pool, PoolClient } from 'pg';
import { dayOf, isOneWordApproval, reviewBin, reviewBinSql } from '../../domain/approver-stats.js';
import type { DecisionRecord } from '../../domain/change.js';
import { NO_END_DAY, talliesFromRows, type ApproverTallyReader, type TallyBinRow, type TallyDayRow } from '../approver-tally-store.js';

const ONLY = '($3::text[] IS NULL OR identity = ANY($3))';

export function pgApproverTallyReader(pool: Pick<Pool, 'query'>): ApproverTallyReader {
  return {
    async approverDayTallies(fromDay, toDay, identities) {
      const params = [fromDay, toDay ?? NO_END_DAY, identities ?? null];
      const [days, bins] = await Promise.all([
        pool.query<TallyDayRow>(
          `SELECT identity, max(principal) AS principal, sum(decisions) AS decisions, sum(approvals) AS approvals, sum(one_word_reasons) AS one_word_reasons
           FROM approver_days WHERE day >= $1 AND day < $2 AND ${ONLY} GROUP BY identity`,
          params,
        ),
        pool.query<TallyBinRow>(`SELECT identity, kind, bin, sum(n) AS n FROM approver_bins WHERE day >= $1 AND day < $2 AND ${ONLY} GROUP BY identity, kind, bin`, params),
      ]);
      return talliesFromRows(days.rows, bins.rows);
    },
  };
}

/**
 * Adds a decision to its approver's day tally in one statement, inside the
 * decision's transaction and after the decision row is inserted. The gap is
 * to the approver's latest earlier approval committed so far.
 */
export async function pgTallyDecision(client: PoolClient, d: DecisionRecord): Promise<void> {
  const approvals = d.verdict === 'approve' ? 1 : 0;
  await client.query(
    `WITH day AS (
       INSERT INTO approver_days (day, identity, principal, decisions, approvals, one_word_reasons) VALUES ($1, $2, $3, 1, $4, $5)
       ON CONFLICT (day, identity) DO UPDATE SET decisions = approver_days.decisions + 1,
         approvals = approver_days.approvals + excluded.approvals, one_word_reasons = approver_days.one_word_reasons + excluded.one_word_reasons
     ), previous AS (
       SELECT round(extract(epoch FROM ($6::text::timestamptz - at::timestamptz)) * 1000)::bigint AS gap FROM decisions
       WHERE identity = $2 AND verdict = 'approve' AND at <= $6::text AND proposal_id <> $7 AND $4 = 1 ORDER BY at DESC LIMIT 1
     ), bins AS (
       SELECT 'review' AS kind, $8::bigint AS bin
       UNION ALL SELECT 'gap', ${reviewBinSql('gap')} FROM previous
     )
     INSERT INTO approver_bins (day, identity, kind, bin, n) SELECT $1, $2, kind, bin, 1 FROM bins
     ON CONFLICT (day, identity, kind, bin) DO UPDATE SET n = approver_bins.n + 1`,
    [dayOf(d.at), d.identity, d.principal, approvals, isOneWordApproval(d) ? 1 : 0, d.at, d.proposal_id, reviewBin(d.review_ms)],
  );
}
