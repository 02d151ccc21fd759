// Vitest's global setup: tests that start the `countersign` binary run the compiled code in
// dist/, so it is brought up to date (incrementally: well under a second when it is) before
// every run, and again before each watch-mode rerun.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { TestProject } from 'vitest/node';

const BUILD = new URL('../../scripts/build.mjs', import.meta.url);
const MAIN = new URL('../../dist/cli/main.js', import.meta.url);

function build(): void {
  const { status, stdout, stderr } = spawnSync(process.execPath, [BUILD.pathname], { encoding: 'utf8' });
  if (!existsSync(MAIN)) throw new Error(`npm run build failed:\n${stdout}${stderr}`);
  // Type errors still give JavaScript: tests run, and the type check (npm run typecheck) fails on its own.
  if (status !== 0) process.stderr.write(`npm run build reported errors; tests run the JavaScript it wrote:\n${stdout}${stderr}\n`);
}

export default function setup(project: TestProject): void {
  build();
  project.onTestsRerun(build);
}
