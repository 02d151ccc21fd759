import { createIdentityService } from '../../src/service/identity-service.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';

/** Adds an identity straight in a SQLite database (as `countersign identity add` does) and returns its token. */
export async function addIdentity(dbFile: string, name: string, kind: 'human' | 'agent', roles: string[], owner?: string): Promise<string> {
  const store = openSqliteStore(dbFile);
  try {
    return (await createIdentityService({ store, clock: Date.now }).add({ name, kind, roles, owner }, 'test')).token;
  } finally {
    await store.close();
  }
}
