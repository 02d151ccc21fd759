import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Set by .ci/run; PostgreSQL tests are skipped (visibly) without it. */
export const TEST_PG_URL = process.env.COUNTERSIGN_TEST_PG_URL;

/**
 * A suite's title. When PostgreSQL is not configured, the title says how to run
 * the suite, and so does a line on stderr (shown whatever the reporter).
 */
export function needsPostgres(title: string): string {
  if (TEST_PG_URL) return title;
  const note = `skipped: set COUNTERSIGN_TEST_PG_URL=postgres://USER@HOST:5432/DB to run it`;
  console.warn(`"${title}" ${note}`);
  return `${title} [${note}]`;
}

export const uniqueName = (prefix: string) => `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;

/** Runs `use` on a connection of its own to `url` (as the tests' superuser). */
export async function admin<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** A schema of its own inside the test database, so runs never see each other's rows. */
export async function freshSchema(url: string) {
  const schema = uniqueName('cs_test');
  return {
    schema,
    drop: () => admin(url, (c) => c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)),
  };
}

/** A whole database of its own, for tests that start real `countersign serve` processes. */
export async function freshDatabase(url: string) {
  const name = uniqueName('cs_test');
  await admin(url, (c) => c.query(`CREATE DATABASE ${name}`));
  const dbUrl = new URL(url);
  dbUrl.pathname = `/${name}`;
  return {
    url: dbUrl.toString(),
    drop: () => admin(url, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}

/** Runs raw SQL in the given schema, as the tests' superuser. */
export function sqlIn(url: string, schema: string) {
  return <R extends pg.QueryResultRow = any>(text: string, values: unknown[] = []) =>
    admin(url, async (c) => {
      await c.query(`SET search_path TO ${schema}`);
      return (await c.query<R>(text, values)).rows;
    });
}
