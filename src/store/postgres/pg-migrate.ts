import type { Pool } from 'pg';
import { MIGRATIONS } from './pg-schema.js';
import { inTransaction } from './pg-pool.js';

/** Any fixed pair will do: it only has to be the same for every replica. */
const MIGRATION_LOCK = [0x43534754, 1] as const;

/**
 * Runs the missing migrations once, even when several replicas start together:
 * they queue on one advisory lock, and each finds the work done by the first.
 * An up-to-date database is only read, so a least-privilege server role with
 * no CREATE right starts fine.
 */
export async function migrate(pool: Pool, schema: string | undefined): Promise<void> {
  if ((await appliedVersion(pool)) >= MIGRATIONS.length) return;
  await inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [...MIGRATION_LOCK]);
    if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${client.escapeIdentifier(schema)}`);
    await client.query('CREATE TABLE IF NOT EXISTS countersign_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    for (let v = await appliedVersion(client); v < MIGRATIONS.length; v++) {
      await client.query(MIGRATIONS[v]!);
      await client.query('INSERT INTO countersign_migrations (version) VALUES ($1)', [v + 1]);
    }
  });
}

/** How many migrations the database has had (0: not a Countersign database yet). */
export async function appliedVersion(db: Pick<Pool, 'query'>): Promise<number> {
  const exists = await db.query<{ found: boolean }>("SELECT to_regclass('countersign_migrations') IS NOT NULL AS found");
  if (!exists.rows[0]?.found) return 0;
  const { rows } = await db.query<{ version: number | null }>('SELECT max(version) AS version FROM countersign_migrations');
  return rows[0]?.version ?? 0;
}
