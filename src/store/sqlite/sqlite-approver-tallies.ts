import type Database from 'better-sqlite3';
import { isOneWordApproval, reviewBin, dayOf } from '../../domain/approver-stats.js';
import type { DecisionRecord } from '../../domain/change.js';
import { NO_END_DAY, talliesFromRows, type ApproverTallyReader, type TallyBinRow, type TallyDayRow } from '../approver-tally-store.js';

const ONLY = '(@identities IS NULL OR identity IN (SELECT value FROM json_each(@identities)))';

export function sqliteApproverTallyReader(db: Database.Database): ApproverTallyReader {
  const sql = {
    days: db.prepare<{ from: string; to: string; identities: string | null }, TallyDayRow>(
      `SELECT identity, max(principal) AS principal, sum(decisions) AS decisions, sum(approvals) AS approvals, sum(one_word_reasons) AS one_word_reasons
       FROM approver_days WHERE day >= @from AND day < @to AND ${ONLY} GROUP BY identity`,
    ),
    bins: db.prepare<{ from: string; to: string; identities: string | null }, TallyBinRow>(
      `SELECT identity, kind, bin, sum(n) AS n FROM approver_bins WHERE day >= @from AND day < @to AND ${ONLY} GROUP BY identity, kind, bin`,
    ),
  };
  return {
    async approverDayTallies(fromDay, toDay, identities) {
      const query = { from: fromDay, to: toDay ?? NO_END_DAY, identities: identities ? JSON.stringify(identities) : null };
      // Both reads run back to back on the one connection: no write lands between them.
      return talliesFromRows(sql.days.all(query), sql.bins.all(query));
    },
  };
}

/** Adds a decision to its approver's day tally; runs inside the decision's own transaction, before the decision is inserted. */
export function sqliteApproverTallyWriter(db: Database.Database): (d: DecisionRecord) => void {
  const sql = {
    previousApproval: db.prepare<[string, string], { at: string }>("SELECT at FROM decisions WHERE identity = ? AND verdict = 'approve' AND at <= ? ORDER BY at DESC LIMIT 1"),
    day: db.prepare(
      `INSERT INTO approver_days (day, identity, principal, decisions, approvals, one_word_reasons) VALUES (@day, @identity, @principal, 1, @approvals, @one_word)
       ON CONFLICT (day, identity) DO UPDATE SET decisions = decisions + 1, approvals = approvals + excluded.approvals, one_word_reasons = one_word_reasons + excluded.one_word_reasons`,
    ),
    bin: db.prepare('INSERT INTO approver_bins (day, identity, kind, bin, n) VALUES (?, ?, ?, ?, 1) ON CONFLICT (day, identity, kind, bin) DO UPDATE SET n = n + 1'),
  };
  return (d) => {
    const day = dayOf(d.at);
    const approvals = d.verdict === 'approve' ? 1 : 0;
    sql.day.run({ day, identity: d.identity, principal: d.principal, approvals, one_word: isOneWordApproval(d) ? 1 : 0 });
    sql.bin.run(day, d.identity, 'review', reviewBin(d.review_ms));
    const previous = approvals ? sql.previousApproval.get(d.identity, d.at) : undefined;
    if (previous) sql.bin.run(day, d.identity, 'gap', reviewBin(Date.parse(d.at) - Date.parse(previous.at)));
  };
}
