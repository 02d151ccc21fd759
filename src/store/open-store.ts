import type { ReadOnlyStore, Store } from './store.js';
import { openPostgresStore, openReadOnlyPostgresStore } from './postgres/pg-store.js';
import { openReadOnlySqliteStore, openSqliteStore } from './sqlite/sqlite-store.js';

/** Where the data lives: a file path means SQLite, a postgres:// URL means PostgreSQL. */
export interface StoreLocation {
  db: string;
  databaseUrl?: string;
}

export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
}

/** Opens the store for the server and the admin commands: migrates it first if it is older. */
export const openStore = (location: StoreLocation): Promise<Store> => open(location, openSqliteStore, (url) => openPostgresStore({ url }));

/** Opens the store for the auditor commands: read-only, never migrated, nothing written. */
export const openReadOnlyStore = (location: StoreLocation): Promise<ReadOnlyStore> =>
  open(location, openReadOnlySqliteStore, (url) => openReadOnlyPostgresStore({ url }));

async function open<S>({ db, databaseUrl }: StoreLocation, sqlite: (file: string) => S, postgres: (url: string) => Promise<S>): Promise<S> {
  if (databaseUrl) {
    if (!/^postgres(ql)?:\/\//.test(databaseUrl)) throw new StoreUnavailableError(`--database-url must start with postgres:// (got "${databaseUrl.split(':')[0]}:")`);
    try {
      return await postgres(databaseUrl);
    } catch (error) {
      // The URL may carry a password: name only the host and database.
      throw new StoreUnavailableError(`cannot open PostgreSQL database ${redact(databaseUrl)}: ${(error as Error).message}`);
    }
  }
  try {
    return sqlite(db);
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
