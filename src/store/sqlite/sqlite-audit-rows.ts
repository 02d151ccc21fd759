// The verifier's worker thread loads this module by URL (see AuditRowSource).
import Database from 'better-sqlite3';
import type { AuditEventRow } from '../../domain/audit-event.js';
import type { AuditRowReader } from '../audit-log-store.js';

/** AuditEventRow columns, a page after a seq. */
export const ROWS_AFTER = 'SELECT seq, at, type, proposal_id, actor, reason, data, prev_hash, hash FROM audit_events WHERE seq > ? ORDER BY seq LIMIT ?';

/** A read-only connection of its own to the log's rows (see AuditRowSource). */
export function openAuditRows({ file }: { file: string }): AuditRowReader {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  // Arrays, not objects: verification reads every row of the log.
  const rows = db.prepare<[number, number], AuditEventRow>(ROWS_AFTER).raw();
  return { rowsAfter: (seq, limit) => rows.all(seq, limit), close: () => db.close() };
}
