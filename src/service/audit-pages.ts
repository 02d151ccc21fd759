import { Worker } from 'node:worker_threads';
import { checkPage, type PageCheck } from '../audit/page-check.mjs';
import type { AuditRowSource, Store } from '../store/store.js';

export interface PageTuning {
  /** Rows per page; a power of two keeps a full page's Merkle subtree whole. */
  size: number;
  /** A log of at least this many events is checked on two threads, when its store allows. */
  parallelFrom: number;
}

// Below ~4 pages a worker's start (~40 ms) costs more than it saves.
export const PAGES: PageTuning = { size: 4096, parallelFrom: 16_384 };

type Reply = { ready: true } | { id: number; page: PageCheck } | { id: number; error: string };

/** A worker thread checking pages; a page it cannot check is checked by its fallback instead. */
function pageWorker(source: AuditRowSource) {
  const worker = new Worker(new URL('../audit/page-worker.mjs', import.meta.url), { workerData: { source }, execArgv: [] });
  const waiting = new Map<number, { fallback: () => Promise<PageCheck>; resolve: (page: PageCheck) => void; reject: (error: unknown) => void }>();
  let ids = 0;
  let usable = true;
  const fallBack = (id: number) => {
    const w = waiting.get(id)!;
    waiting.delete(id);
    w.fallback().then(w.resolve, w.reject);
  };
  const giveUp = () => {
    usable = false;
    for (const id of [...waiting.keys()]) fallBack(id);
  };
  worker.on('message', (reply: Reply) => {
    if ('ready' in reply) return;
    if ('page' in reply) {
      waiting.get(reply.id)!.resolve(reply.page);
      waiting.delete(reply.id);
    } else fallBack(reply.id);
  });
  worker.on('error', giveUp);
  worker.on('exit', giveUp);
  return {
    get usable() {
      return usable;
    },
    get busy() {
      return waiting.size;
    },
    check(after: number, limit: number, cuts: number[], fallback: () => Promise<PageCheck>): Promise<PageCheck> {
      return new Promise((resolve, reject) => {
        const id = ids++;
        waiting.set(id, { fallback, resolve, reject });
        worker.postMessage({ id, after, limit, cuts });
      });
    },
    close: () => worker.terminate(),
  };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Every page of the log checked (checkPage), in log order. Pages start at
 * fixed seqs (multiples of the page size) up to the log's size when it
 * starts, so a worker thread checks some while this thread checks others;
 * after those, or after a short page, reading goes on from the last row seen
 * for as long as the log goes on.
 */
export async function* checkedPages(store: Store, cuts: number[], tuning: PageTuning = PAGES): AsyncGenerator<PageCheck> {
  const per = tuning.size;
  const here = async (after: number) => checkPage(await store.auditRowsAfter(after, per), cuts);
  const total = await store.auditTreeSize();
  const source = total >= tuning.parallelFrom ? store.auditRowSource() : undefined;
  const helper = source && pageWorker(source);
  try {
    const count = Math.ceil(total / per);
    const slots: Promise<PageCheck>[] = [];
    const settled = new Set<number>();
    const assign = (j: number, page: Promise<PageCheck>) => {
      slots[j] = page;
      page.then(() => settled.add(j), () => settled.add(j));
    };
    let next = 0;
    let after = 0;
    for (let k = 0; k < count; k++) {
      // Keep the worker two pages ahead; check pages here until page k is done.
      while (!settled.has(k) && next < count) {
        while (helper?.usable && helper.busy < 2 && next < count) {
          const j = next++;
          assign(j, helper.check(j * per, per, cuts, () => here(j * per)));
        }
        if (settled.has(k) || next >= count) break;
        const j = next++;
        assign(j, here(j * per));
        await slots[j];
        await turn(); // lets the worker's replies in
      }
      const page = await slots[k]!;
      yield page;
      after = page.last?.seq ?? k * per;
      if (page.rows < per) break;
    }
    for (;;) {
      const page = await here(after);
      yield page;
      if (page.rows < per) return;
      after = page.last!.seq;
    }
  } finally {
    await helper?.close();
  }
}
