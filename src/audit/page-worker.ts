// A worker thread that checks pages of the audit log (checkPage) from a connection
// of its own (started by startWorker: compiled, it starts in ~40 ms).
import { parentPort, workerData } from 'node:worker_threads';
import type { AuditRowReader, AuditRowSource } from '../store/audit-log-store.js';
import { checkPage } from './page-check.js';

/** What checkedPages (service/audit-pages.ts) hands the worker. */
export interface PageWork {
  source: AuditRowSource;
  /** The shared counter of the next unchecked page. */
  next: Int32Array;
  pages: number;
  per: number;
  cuts: number[];
}

const { source, next, pages, per, cuts } = workerData as PageWork;
const { openAuditRows } = (await import(source.module)) as { openAuditRows(options: unknown): AuditRowReader };
const reader = openAuditRows(source.options);
// Both threads take the next unchecked page from the shared counter, so
// neither waits on the other for work; the main thread puts pages in order.
for (let k = Atomics.add(next, 0, 1); k < pages; k = Atomics.add(next, 0, 1)) {
  parentPort!.postMessage({ k, page: checkPage(reader.rowsAfter(k * per, per), cuts) });
}
reader.close();
