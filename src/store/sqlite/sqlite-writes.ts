import type { AuditEventInput } from '../../domain/audit-event.js';

/** What a SQLite module needs to change state: the group commit, and the appender inside its transactions. */
export interface SqliteWrites {
  /** Runs `work` in the shared durable transaction (see group-commit.ts). */
  commit<T>(work: () => T): Promise<T>;
  /** Seals events into the log inside the running transaction. */
  append(events: AuditEventInput[]): void;
}
