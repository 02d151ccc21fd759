import pg, { type Pool, type PoolClient } from 'pg';

export interface PgConnection {
  url: string;
  /** Keeps every table in this schema (created if missing); tests give each run its own. */
  schema?: string;
  /** Every session read-only (`default_transaction_read_only`): the server refuses any write. */
  readOnly?: boolean;
}

// bigint columns (seq, first_at, review_ms) stay far below 2^53: read them as numbers.
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/** Connection settings shared by the pool and the listening connection. */
export function clientConfig({ url, schema, readOnly }: PgConnection): pg.ClientConfig {
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid schema name "${schema}"`);
  const options = [...(schema ? [`-c search_path=${schema}`] : []), ...(readOnly ? ['-c default_transaction_read_only=on'] : [])];
  return {
    connectionString: url,
    types,
    ...(options.length > 0 ? { options: options.join(' ') } : {}),
  };
}

export function createPool(connection: PgConnection, max = 10): Pool {
  const pool = new pg.Pool({ ...clientConfig(connection), max });
  // An idle client losing its server is reported here; the pool replaces it.
  pool.on('error', () => {});
  return pool;
}

/** Runs `work` in one READ COMMITTED transaction; any throw rolls it back. */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // A client that cannot even roll back is dropped rather than reused.
    await client.query('ROLLBACK').catch(() => (broken = true));
    throw error;
  } finally {
    client.release(broken);
  }
}
