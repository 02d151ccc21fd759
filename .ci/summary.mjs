// Prints the closing line CI reads: "N passed, N failed[, N skipped]".
// Fails when tests that need PostgreSQL were skipped although CI provides it, and counts
// checks that failed outside vitest (the second argument: the type check's 0 or 1).
import { readFileSync } from 'node:fs';

const otherFailed = Number(process.argv[3] ?? 0);

let report;
try {
  report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
} catch {
  console.log(`0 passed, ${1 + otherFailed} failed`);
  process.exit(1);
}
const all = report.testResults.flatMap((file) => file.assertionResults);
const count = (status) => all.filter((t) => t.status === status).length;
const failedFiles = report.testResults.filter((f) => f.status === 'failed' && f.assertionResults.length === 0).length;
const passed = count('passed');
const failed = count('failed') + failedFiles;
const skipped = all.length - passed - count('failed');
const pgSkipped = process.env.COUNTERSIGN_TEST_PG_URL && all.some((t) => t.status !== 'passed' && t.status !== 'failed' && /postgres/i.test(t.fullName));
if (pgSkipped) console.log('PostgreSQL tests were skipped although COUNTERSIGN_TEST_PG_URL is set');
if (otherFailed) console.log('the type check (npm run typecheck) failed');
console.log(`${passed} passed, ${failed + (pgSkipped ? 1 : 0) + otherFailed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || pgSkipped || otherFailed ? 1 : 0);
