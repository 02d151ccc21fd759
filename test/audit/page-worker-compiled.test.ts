import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPage, type PageCheck } from '../../src/audit/page-check.js';
import type { PageWork } from '../../src/audit/page-worker.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { tempDir } from '../support/harness.js';
import { newProposal } from '../store/store-fixtures.js';

// What `countersign audit verify` runs: the compiled kernel in dist/ (built by the test setup),
// its worker thread started with no TypeScript loader at all.
const compiled = <T>(path: string): Promise<T> => import(new URL(`../../dist/${path}`, import.meta.url).href);

const dir = tempDir('countersign-compiled-worker-');
const file = join(dir, 'countersign.db');
let store: Store;

beforeAll(async () => {
  store = openSqliteStore(file);
  for (let i = 0; i < 40; i++) {
    const { proposal, events } = newProposal();
    await store.insertProposal(proposal, events);
  }
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the verification worker thread, compiled', () => {
  it('reads the log through the compiled store module and checks every page as the source kernel does', async () => {
    const { openSqliteStore: openCompiled } = await compiled<typeof import('../../src/store/sqlite/sqlite-store.js')>('store/sqlite/sqlite-store.js');
    const { moduleBeside, startWorker } = await compiled<typeof import('../../src/audit/thread-module.js')>('audit/thread-module.js');
    const compiledStore = openCompiled(file);
    const source = compiledStore.auditRowSource()!;
    await compiledStore.close();
    expect(source.module).toMatch(/\/dist\/store\/sqlite\/sqlite-audit-rows\.js$/);

    const per = 8;
    const pages = Math.ceil((await store.auditTreeSize()) / per);
    const cuts = [5, 13, 33];
    // No page is taken on this thread: the worker checks them all.
    const work: PageWork = { source, next: new Int32Array(new SharedArrayBuffer(4)), pages, per, cuts };
    const module = moduleBeside(new URL('../../dist/service/audit-pages.js', import.meta.url).href, '../audit/page-worker');
    expect(module.pathname).toMatch(/\/dist\/audit\/page-worker\.js$/);
    const worker = startWorker(module, { workerData: work, execArgv: [] });
    const checked = new Map<number, PageCheck>();
    worker.on('message', ({ k, page }: { k: number; page: PageCheck }) => checked.set(k, page));
    const failure = new Promise<never>((_, reject) => worker.once('error', reject));
    await Promise.race([new Promise((resolve) => worker.once('exit', resolve)), failure]);

    expect([...checked.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: pages }, (_, k) => k));
    for (let k = 0; k < pages; k++) {
      expect(checked.get(k), `page ${k}`).toEqual(checkPage(await store.auditRowsAfter(k * per, per), cuts));
      expect(checked.get(k)!.broken).toBeNull();
    }
  });
});
