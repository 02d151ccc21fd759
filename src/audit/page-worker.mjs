// A worker thread that checks pages of the audit log (checkPage) from a connection
// of its own. Plain JavaScript: loading tsx here would add ~150 ms to every start.
import { parentPort, workerData } from 'node:worker_threads';
import { checkPage } from './page-check.mjs';

const { openAuditRows } = await import(workerData.source.module);
const reader = openAuditRows(workerData.source.options);
parentPort.on('message', ({ id, after, limit, cuts }) => {
  try {
    parentPort.postMessage({ id, page: checkPage(reader.rowsAfter(after, limit), cuts) });
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
parentPort.postMessage({ ready: true });
