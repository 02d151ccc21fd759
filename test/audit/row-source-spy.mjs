// A row source for the verifier's worker thread that leaves a mark on disk once the worker
// has taken a page, so a test can wait for that instead of guessing how long a start takes.
// Plain JavaScript: the worker thread loads it without tsx. Its URL carries the real source
// module (`inner`) and the marker file (`marker`) as query parameters.
import { writeFileSync } from 'node:fs';

const params = new URL(import.meta.url).searchParams;
const inner = await import(params.get('inner'));
const marker = params.get('marker');

export function openAuditRows(options) {
  const reader = inner.openAuditRows(options);
  return {
    rowsAfter(seq, limit) {
      writeFileSync(marker, '');
      return reader.rowsAfter(seq, limit);
    },
    close: () => reader.close(),
  };
}
