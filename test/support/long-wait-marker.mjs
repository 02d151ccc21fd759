// Preloaded (`node --import`) into a `countersign serve` under test: appends a line to the file
// named by COUNTERSIGN_TEST_WAIT_MARKER whenever a timer of a minute or more starts, which is
// what holding a long-poll does. A test waits for that line instead of guessing when the
// server has taken the request. Plain JavaScript: it loads before tsx.
import { appendFileSync } from 'node:fs';

const marker = process.env.COUNTERSIGN_TEST_WAIT_MARKER;
const original = globalThis.setTimeout;
globalThis.setTimeout = function setTimeout(callback, ms, ...args) {
  const timer = original(callback, ms, ...args);
  if (marker && ms >= 60_000) appendFileSync(marker, `${ms}\n`);
  return timer;
};
