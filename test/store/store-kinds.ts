import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { openPostgresStore, openReadOnlyPostgresStore } from '../../src/store/postgres/pg-store.js';
import { openReadOnlySqliteStore, openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { ReadOnlyStore, Store } from '../../src/store/store.js';
import { tempDir } from '../support/harness.js';
import { freshSchema, needsPostgres, TEST_PG_URL } from '../support/postgres.js';

/** One store under test: `open` gives another handle on the same data (a second replica). */
export interface StoreUnderTest {
  open(): Promise<Store>;
  /** A read-only handle on the same data, as the auditor commands open it. */
  openReadOnly(): Promise<ReadOnlyStore>;
  cleanup(): Promise<void>;
}

export interface StoreKind {
  name: string;
  available: boolean;
  /** A suite's title on this store; when skipped, it says what enables the store. */
  title(suite: string): string;
  create(): Promise<StoreUnderTest>;
}

/** Every store the conformance suite runs on (Kysely's DIALECTS loop). */
export const STORE_KINDS: StoreKind[] = [
  {
    name: 'SQLite',
    available: true,
    title: (suite) => suite,
    async create() {
      const dir = tempDir();
      const file = join(dir, 'countersign.db');
      const handles: { close(): Promise<void> }[] = [];
      return {
        async open() {
          const store = openSqliteStore(file);
          handles.push(store);
          return store;
        },
        async openReadOnly() {
          const store = openReadOnlySqliteStore(file);
          handles.push(store);
          return store;
        },
        async cleanup() {
          for (const h of handles) await h.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'PostgreSQL',
    available: TEST_PG_URL !== undefined,
    title: needsPostgres,
    async create() {
      const url = TEST_PG_URL!;
      const { schema, drop } = await freshSchema(url);
      const handles: { close(): Promise<void> }[] = [];
      return {
        async open() {
          const store = await openPostgresStore({ url, schema });
          handles.push(store);
          return store;
        },
        async openReadOnly() {
          const store = await openReadOnlyPostgresStore({ url, schema });
          handles.push(store);
          return store;
        },
        async cleanup() {
          for (const h of handles) await h.close();
          await drop();
        },
      };
    },
  },
];
