import type { Store } from './store.js';
import { openPostgresStore } from './postgres/pg-store.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';

/** Where the data lives: a file path means SQLite, a postgres:// URL means PostgreSQL. */
export interface StoreLocation {
  db: string;
  databaseUrl?: string;
}

export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
}

export async function openStore({ db, databaseUrl }: StoreLocation): Promise<Store> {
  if (databaseUrl) {
    if (!/^postgres(ql)?:\/\//.test(databaseUrl)) throw new StoreUnavailableError(`--database-url must start with postgres:// (got "${databaseUrl.split(':')[0]}:")`);
    try {
      return await openPostgresStore({ url: databaseUrl });
    } catch (error) {
      // The URL may carry a password: name only the host and database.
      throw new StoreUnavailableError(`cannot open PostgreSQL database ${redact(databaseUrl)}: ${(error as Error).message}`);
    }
  }
  try {
    return openSqliteStore(db);
  } catch (error) {
    throw new StoreUnavailableError(`cannot open database "${db}": ${(error as Error).message}`);
  }
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host}${parsed.pathname}`;
  } catch {
    return '(unparsable URL)';
  }
}
