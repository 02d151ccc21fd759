// A worker thread that checks pages of the audit log (checkPage) from a connection
// of its own. Plain JavaScript: loading tsx here would add ~150 ms to every start.
import { parentPort, workerData } from 'node:worker_threads';
import { checkPage } from './page-check.mjs';

const { source, next, pages, per, cuts } = workerData;
const { openAuditRows } = await import(source.module);
const reader = openAuditRows(source.options);
// Both threads take the next unchecked page from the shared counter, so
// neither waits on the other for work; the main thread puts pages in order.
for (let k = Atomics.add(next, 0, 1); k < pages; k = Atomics.add(next, 0, 1)) {
  parentPort.postMessage({ k, page: checkPage(reader.rowsAfter(k * per, per), cuts) });
}
reader.close();
