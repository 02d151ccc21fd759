import { Worker, type WorkerOptions } from 'node:worker_threads';

const fromSource = (url: string): boolean => url.endsWith('.ts');

/**
 * This package's module at `path` (relative to `base`, no extension) in the
 * form the code at `base` runs: compiled `.js` in dist/, or the TypeScript
 * source when run from src/ (tests, benches).
 */
export const moduleBeside = (base: string, path: string): URL => new URL(`${path}${fromSource(base) ? '.ts' : '.js'}`, base);

/**
 * A worker thread running `module` (see moduleBeside). Compiled JavaScript
 * starts as it is; TypeScript source first registers tsx's loader in the
 * thread, which a worker does not inherit (a development dependency: only
 * runs from src/ take this way).
 */
export function startWorker(module: URL, options: WorkerOptions): Worker {
  if (!fromSource(module.href)) return new Worker(module, options);
  const loader = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const boot = `const { register } = await import(${loader}); register(); await import(${JSON.stringify(module.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), options);
}
