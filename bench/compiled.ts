// Benches measure what `countersign` runs: the compiled code in dist/, worker threads included.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

let built = false;

/** Brings dist/ up to date (`npm run build`, incremental), once per process. */
export function buildDist(): void {
  if (built) return;
  execFileSync(process.execPath, [fileURLToPath(new URL('../scripts/build.mjs', import.meta.url))], { stdio: 'inherit' });
  built = true;
}

/** The compiled form of the module at `path` under src/ (typed as the source: `compiled<typeof import('../src/…')>`). */
export async function compiled<T>(path: string): Promise<T> {
  buildDist();
  return (await import(new URL(`../dist/${path}`, import.meta.url).href)) as T;
}
