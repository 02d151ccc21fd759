import type { Store } from './store.js';
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
    throw new StoreUnavailableError('the PostgreSQL store is not part of this build; use --db FILE');
  }
  try {
    return openSqliteStore(db);
  } catch (error) {
    throw new StoreUnavailableError(`cannot open database "${db}": ${(error as Error).message}`);
  }
}
