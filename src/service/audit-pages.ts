import { checkPage, type PageCheck } from '../audit/page-check.js';
import type { PageWork } from '../audit/page-worker.js';
import { moduleBeside, startWorker } from '../audit/thread-module.js';
import type { AuditLogReader, AuditRowSource } from '../store/audit-log-store.js';

export interface PageTuning {
  /** Rows per page; a power of two keeps a full page's Merkle subtree whole. */
  size: number;
  /** A log of at least this many events is checked on two threads, when its store allows. */
  parallelFrom: number;
}

// Small pages measured faster than 4096 (young garbage stays young); below ~16,000 events a
// worker's start (~40 ms, and its first page before the JIT warms up) costs more than it saves.
export const PAGES: PageTuning = { size: 1024, parallelFrom: 16_384 };

/**
 * A worker thread that checks the pages it takes from the shared counter
 * `next`, keeping each until asked for it by number.
 */
function pageWorker(source: AuditRowSource, next: Int32Array, pages: number, per: number, cuts: number[]) {
  const workerData: PageWork = { source, next, pages, per, cuts };
  const worker = startWorker(moduleBeside(import.meta.url, '../audit/page-worker'), { workerData, execArgv: [] });
  const done = new Map<number, PageCheck>();
  let gone = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  worker.on('message', ({ k, page }: { k: number; page: PageCheck }) => {
    done.set(k, page);
    notify();
  });
  // Ended (done, or failed): the pages it took and did not give are checked by the caller.
  worker.on('error', () => {});
  worker.on('exit', () => {
    gone = true;
    notify();
  });
  return {
    take(k: number): PageCheck | undefined {
      const page = done.get(k);
      done.delete(k);
      return page;
    },
    get gone() {
      return gone;
    },
    /** Resolves when the next page arrives or the worker ends. */
    arrival: () => new Promise<void>((resolve) => (wake = resolve)),
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
export async function* checkedPages(store: AuditLogReader, cuts: number[], tuning: PageTuning = PAGES): AsyncGenerator<PageCheck> {
  const per = tuning.size;
  const here = async (after: number) => checkPage(await store.auditRowsAfter(after, per), cuts);
  const total = await store.auditTreeSize();
  const pages = Math.ceil(total / per);
  const source = total >= tuning.parallelFrom ? store.auditRowSource() : undefined;
  const next = new Int32Array(new SharedArrayBuffer(4));
  const helper = source && pageWorker(source, next, pages, per, cuts);
  try {
    const mine = new Map<number, PageCheck>();
    let after = 0;
    for (let k = 0; k < pages; k++) {
      let page: PageCheck | undefined;
      while (!(page = mine.get(k) ?? helper?.take(k))) {
        const j = Atomics.add(next, 0, 1);
        if (j < pages) {
          mine.set(j, await here(j * per));
          await turn(); // lets the worker's pages in
        } else if (helper && !helper.gone) await helper.arrival(); // page k is the worker's
        else mine.set(k, await here(k * per)); // the worker ended without giving it
      }
      mine.delete(k);
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
