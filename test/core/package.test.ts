import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/harness.js';

// DESIGN.md §9: `npm pack` gives a tarball that installs into an empty folder and runs
// `countersign --version` and `serve` there, compiled, with no TypeScript loader.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> };
const run = promisify(execFile);

let dir: string;
let tarball: string;
const children: ChildProcess[] = [];

/** `countersign serve` from an installed package, until /healthz answers; resolves to its URL. */
function serveFrom(bin: string, cwd: string): Promise<string> {
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--db', join(cwd, 'countersign.db')], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const url = /Countersign listening on (\S+)/.exec(output)?.[1];
      if (url) resolve(url);
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`serve exited (${code}):\n${output}`)));
  });
}

beforeAll(async () => {
  dir = tempDir('countersign-pack-');
  // dist/ is already built by the test setup; `prepack` (a clean build) would pull it from under other tests.
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT });
  tarball = join(dir, (JSON.parse(stdout) as { filename: string }[])[0]!.filename);
}, 120_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('the npm package', () => {
  let pkg: string;
  beforeAll(async () => {
    await run('tar', ['-xzf', tarball, '-C', dir]);
    pkg = join(dir, 'package');
    // As `npm install` would lay it out, without the registry: only the runtime dependencies are
    // visible to the package (development ones, tsx included, are not).
    for (const name of Object.keys(manifest.dependencies)) {
      const link = join(pkg, 'node_modules', name);
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(realpathSync(join(ROOT, 'node_modules', name)), link);
    }
  });

  it('holds the compiled code, its type declarations and the UI assets, and no TypeScript source', async () => {
    const { stdout } = await run('tar', ['-tzf', tarball]);
    const files = stdout.trim().split('\n');
    expect(files).toContain('package/bin/countersign.js');
    expect(files).toContain('package/dist/cli/main.js');
    expect(files).toContain('package/dist/audit/page-worker.js');
    expect(files).toContain('package/dist/ui/assets/app.css');
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    expect(files.filter((f) => f.includes('tsbuildinfo'))).toEqual([]);
    expect(Object.keys(manifest.dependencies)).not.toContain('tsx');
  });

  it('runs `countersign --version` with only its runtime dependencies', async () => {
    const { stdout } = await run(process.execPath, [join(pkg, 'bin/countersign.js'), '--version'], { cwd: dir });
    expect(stdout.trim()).toBe(manifest.version);
  });

  it('serves the API and the UI from the compiled code', async () => {
    const url = await serveFrom(join(pkg, 'bin/countersign.js'), dir);
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ ok: true });
    const css = await fetch(`${url}/ui/app.css`);
    expect(css.status).toBe(200);
    expect(await css.text()).toBe(readFileSync(join(ROOT, 'src/ui/assets/app.css'), 'utf8'));
  });

  it('exports the SDK as compiled JavaScript with type declarations, at `countersign` and `countersign/sdk`', async () => {
    const consumer = join(dir, 'consumer');
    mkdirSync(join(consumer, 'node_modules'), { recursive: true });
    symlinkSync(pkg, join(consumer, 'node_modules', 'countersign'));
    const script = "const [a, b] = await Promise.all([import('countersign'), import('countersign/sdk')]); console.log(typeof a.createClient, typeof b.createClient);";
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: consumer });
    expect(stdout.trim()).toBe('function function');
    const exports = (JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { exports: Record<string, { types: string; default: string }> }).exports;
    for (const entry of Object.values(exports)) {
      expect(entry.default).toMatch(/^\.\/dist\/.*\.js$/);
      expect(existsSync(join(pkg, entry.types)), entry.types).toBe(true);
    }
  });
});

// The real thing, from the registry: slow (better-sqlite3 builds from source, minutes on two cores).
describe.skipIf(!process.env.COUNTERSIGN_TEST_PACK_INSTALL)('`npm install TARBALL` into an empty folder (set COUNTERSIGN_TEST_PACK_INSTALL=1 to run: needs the npm registry, takes minutes)', () => {
  let app: string;
  beforeAll(async () => {
    app = join(dir, 'app');
    mkdirSync(app);
    await run('npm', ['install', '--no-audit', '--no-fund', tarball], { cwd: app });
  }, 900_000);

  it('runs `npx countersign --version` and `serve` there', async () => {
    const { stdout } = await run('npx', ['--no-install', 'countersign', '--version'], { cwd: app });
    expect(stdout.trim()).toBe(manifest.version);
    const url = await serveFrom(join(app, 'node_modules/countersign/bin/countersign.js'), app);
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ ok: true });
  });
});
