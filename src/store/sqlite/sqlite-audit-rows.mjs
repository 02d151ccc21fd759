// Plain JavaScript (typed by sqlite-audit-rows.d.mts): the verifier's worker thread loads it without tsx.
import Database from 'better-sqlite3';

/** AuditEventRow columns, a page after a seq. */
export const ROWS_AFTER = 'SELECT seq, at, type, proposal_id, actor, reason, data, prev_hash, hash FROM audit_events WHERE seq > ? ORDER BY seq LIMIT ?';

/** A read-only connection of its own to the log's rows (see AuditRowSource). */
export function openAuditRows({ file }) {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  // Arrays, not objects: verification reads every row of the log.
  const rows = db.prepare(ROWS_AFTER).raw();
  return { rowsAfter: (seq, limit) => rows.all(seq, limit), close: () => db.close() };
}
