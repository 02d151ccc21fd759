import type { Pool } from 'pg';
import { MIGRATIONS } from './pg-schema.js';
import { inTransaction } from './pg-pool.js';

/** Any fixed pair will do: it only has to be the same for every replica. */
const MIGRATION_LOCK = [0x43534754, 1] as const;

/**
 * Runs the missing migrations once, even when several replicas start together:
 * they queue on one advisory lock, and each finds the work done by the first.
 */
export async function migrate(pool: Pool, schema: string | undefined): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [...MIGRATION_LOCK]);
    if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${client.escapeIdentifier(schema)}`);
    await client.query('CREATE TABLE IF NOT EXISTS countersign_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    const { rows } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM countersign_migrations');
    for (let v = rows[0]?.version ?? 0; v < MIGRATIONS.length; v++) {
      await client.query(MIGRATIONS[v]!);
      await client.query('INSERT INTO countersign_migrations (version) VALUES ($1)', [v + 1]);
    }
  });
}
