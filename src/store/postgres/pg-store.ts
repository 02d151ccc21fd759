import type { ReadOnlyStore, Store } from '../store.js';
import { appendEvents, pgAuditLogReader, restoreTree } from './pg-audit.js';
import { type ChangeListener, listenForChanges } from './pg-changes.js';
import { pgDeliveryQueue, pgDeliveryReader } from './pg-deliveries.js';
import { pgIdentityStore } from './pg-identities.js';
import { pgKeyStore } from './pg-keys.js';
import { appliedVersion, migrate } from './pg-migrate.js';
import { clientConfig, createPool, inTransaction, type PgConnection } from './pg-pool.js';
import { pgProposalReader, pgProposalStore } from './pg-proposals.js';
import { pgReviewReader, pgReviewStore } from './pg-reviews.js';
import { pgApproverTallyReader } from './pg-approver-tallies.js';
import { READABLE_FROM } from './pg-schema.js';

/**
 * A PostgreSQL store that any number of replicas can share. Updates of one
 * proposal are serialised by its row lock; the audit chain by its head row
 * (see pg-audit.ts); changes reach every replica through LISTEN/NOTIFY.
 */
export async function openPostgresStore(connection: PgConnection): Promise<Store> {
  const pool = createPool(connection);
  // Channels are per database; naming the schema keeps stores in one database apart.
  const channel = `countersign_changes:${connection.schema ?? 'default'}`;
  let changes: ChangeListener;
  try {
    await migrate(pool, connection.schema);
    await restoreTree(pool);
    changes = await listenForChanges(clientConfig(connection), pool, channel);
  } catch (error) {
    await pool.end();
    throw error;
  }

  return {
    ...pgProposalStore(pool, channel),
    ...pgReviewStore(pool),
    ...pgApproverTallyReader(pool),
    ...pgIdentityStore(pool, channel),
    ...pgKeyStore(pool, channel),
    ...pgAuditLogReader(pool),
    async appendAuditEvents(events) {
      await inTransaction(pool, (client) => appendEvents(client, events, channel, null));
    },
    async saveCheckpoint(c) {
      await pool.query('INSERT INTO checkpoints (tree_size, root_hash, note, signed_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [
        c.tree_size, c.root_hash, c.note, c.signed_at,
      ]);
    },
    ...pgDeliveryQueue(pool),
    onProposalChange: changes.on,
    async close() {
      await changes.close();
      await pool.end();
    },
  };
}

/**
 * Opens the database read-only: every session has `default_transaction_read_only`
 * on, nothing is migrated or built, and a role with only SELECT will do.
 */
export async function openReadOnlyPostgresStore(connection: PgConnection): Promise<ReadOnlyStore> {
  const pool = createPool({ ...connection, readOnly: true }, 2);
  try {
    const version = await appliedVersion(pool);
    if (version < READABLE_FROM) {
      throw new Error(version === 0
        ? 'it is not a Countersign database (no countersign_migrations table)'
        : `its schema (version ${version}) is older than this version reads: start \`countersign serve\` on it once to migrate it`);
    }
  } catch (error) {
    await pool.end();
    throw error;
  }
  return {
    ...pgProposalReader(pool),
    ...pgReviewReader(pool),
    ...pgAuditLogReader(pool),
    ...pgDeliveryReader(pool),
    close: () => pool.end(),
  };
}
