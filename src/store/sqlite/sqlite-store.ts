import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { ReadOnlyStore, Store } from '../store.js';
import { createGroupCommitter } from './group-commit.js';
import { sqliteApproverTallyReader } from './sqlite-approver-tallies.js';
import { sqliteAuditLogReader, sqliteAuditLogWriter } from './sqlite-audit-log.js';
import { sqliteDeliveryQueue, sqliteDeliveryReader } from './sqlite-deliveries.js';
import { sqliteIdentityStore } from './sqlite-identities.js';
import { sqliteKeyStore } from './sqlite-keys.js';
import { sqliteProposalReader, sqliteProposalStore } from './sqlite-proposals.js';
import { sqliteReviewReader, sqliteReviewStore } from './sqlite-reviews.js';
import { MIGRATIONS, READABLE_FROM } from './sqlite-schema.js';
import type { SqliteWrites } from './sqlite-writes.js';

/** Opens (creating and migrating if needed) a durable SQLite store at `file`. */
export function openSqliteStore(file: string): Store {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // FULL: every commit is on disk before it is acknowledged.
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  migrate(db);
  const log = sqliteAuditLogWriter(db);
  log.restoreTree.immediate();

  const changes = new EventEmitter().setMaxListeners(0);
  const commit = createGroupCommitter(db);
  const writes: SqliteWrites = { commit, append: log.append };

  return {
    ...sqliteProposalStore(db, writes, (id) => changes.emit('change', id)),
    ...sqliteReviewStore(db),
    ...sqliteApproverTallyReader(db),
    ...sqliteIdentityStore(db, writes),
    ...sqliteKeyStore(db, writes),
    ...sqliteAuditLogReader(db),
    async appendAuditEvents(events) {
      await commit(() => log.append(events));
    },
    async saveCheckpoint(checkpoint) {
      await commit(() => log.saveCheckpoint(checkpoint));
    },
    ...sqliteDeliveryQueue(db, writes),
    onProposalChange(listener) {
      changes.on('change', listener);
      return () => changes.off('change', listener);
    },
    async close() {
      db.close();
    },
  };
}

/**
 * Opens `file` read-only: no migration, no Merkle nodes built, nothing
 * written. A file from before the tables the auditor commands read (schema
 * version 3) is read through a migrated copy in memory, whose Merkle tree
 * is built there from the events.
 */
export function openReadOnlySqliteStore(file: string): ReadOnlyStore {
  if (!existsSync(file)) throw new Error('no such file');
  let db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version === 0) throw new Error('it is not a Countersign database (no schema version)');
    if (version < READABLE_FROM) {
      db = migratedCopy(db);
      sqliteAuditLogWriter(db).restoreTree();
    }
  } catch (error) {
    db.close();
    throw error;
  }
  return {
    ...sqliteProposalReader(db),
    ...sqliteReviewReader(db),
    ...sqliteAuditLogReader(db),
    ...sqliteDeliveryReader(db),
    async close() {
      db.close();
    },
  };
}

/** An in-memory copy of `db`, migrated; `db` is closed. */
function migratedCopy(db: Database.Database): Database.Database {
  const image = db.serialize();
  db.close();
  // A WAL file's header names WAL mode, which a database in memory cannot use: mark it a rollback-journal file.
  image[18] = 1;
  image[19] = 1;
  const copy = new Database(image);
  migrate(copy);
  return copy;
}

function migrate(db: Database.Database): void {
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    for (let v = version; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v]!);
    if (version < MIGRATIONS.length) db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}
