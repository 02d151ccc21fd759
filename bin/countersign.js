#!/usr/bin/env node
// Runs the compiled code in dist/ (`npm run build`; `npm test` and `npm start` build it first).
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('countersign: not built yet: run `npm run build` in the package folder\n');
  process.exit(1);
}
await import(main.href);
