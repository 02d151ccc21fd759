// Start-up of the compiled `countersign` binary: `--help`, `serve` until /healthz answers, and
// `mcp-gateway` until it answers an MCP initialize relayed to a tiny upstream (timed alone too).
// Wall time and the process's own CPU time (less sensitive to a busy machine), beside bare
// `node -e 0`, and the module files each loads. Targets: --help < 300 ms, serve < 1 s.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { buildDist } from './compiled.js';

const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 7);
const BIN = fileURLToPath(new URL('../bin/countersign.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'countersign-startup-'));
const since = (t: number) => Math.round(performance.now() - t);

// Answers initialize and nothing else: the gateway's own start is what is timed.
const UPSTREAM = `require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
  const m = JSON.parse(line);
  if (m.method === 'initialize') console.log(JSON.stringify({ jsonrpc: '2.0', id: m.id, result: { protocolVersion: m.params.protocolVersion, capabilities: {}, serverInfo: { name: 'tiny', version: '1' } } }));
});`;
const INITIALIZE = `${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } })}\n`;

// Counts the module files a process loads: ES modules through a load hook, CommonJS from require.cache.
const HOOKS = `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(process.env.COUNT_FILE, new URL(url).pathname + '\\n');
  return next(url, context);
}`;
const COUNTER = `import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
register('./hooks.mjs', import.meta.url);
const require = createRequire(import.meta.url);
process.on('exit', () => appendFileSync(process.env.COUNT_FILE, Object.keys(require.cache).join('\\n') + '\\n'));`;

/** CPU milliseconds a live process has used (Linux /proc; 10 ms ticks). */
function cpuOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Wall and CPU time of a command that runs to its end (/usr/bin/time gives the CPU). */
function timed(args: string[]): [number, number] {
  const t = performance.now();
  const result = spawnSync('/usr/bin/time', ['-f', '%U %S', process.execPath, ...args], { encoding: 'utf8' });
  const wall = since(t);
  if (result.status !== 0) throw new Error(result.stderr);
  const [user, sys] = result.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
  return [wall, Math.round((user! + sys!) * 1000)];
}

async function serve(nodeArgs: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<[number, number]> {
  const db = join(mkdtempSync(join(dir, 'serve-')), 'countersign.db');
  const t = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, BIN, 'serve', '--port', '0', '--db', db], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'ignore'] });
  const url = await new Promise<string>((resolve) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
  });
  while (!(await fetch(`${url}/healthz`).then((r) => r.ok, () => false)));
  const took: [number, number] = [since(t), cpuOf(child.pid!)];
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  return took;
}

async function initialize(args: string[], nodeArgs: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<[number, number]> {
  const t = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, ...args], { env: { ...process.env, COUNTERSIGN_TOKEN: 'bench', ...env }, stdio: ['pipe', 'pipe', 'ignore'] });
  child.stdin.write(INITIALIZE);
  await new Promise((resolve) => createInterface({ input: child.stdout }).once('line', resolve));
  const took: [number, number] = [since(t), cpuOf(child.pid!)];
  child.stdin.end();
  await new Promise((resolve) => child.once('exit', resolve));
  return took;
}

const gateway = [BIN, 'mcp-gateway', '--server', 'http://127.0.0.1:9', '--', process.execPath, '-e', UPSTREAM];

async function modules(start: (nodeArgs: string[], env: NodeJS.ProcessEnv) => Promise<unknown>, name: string): Promise<number> {
  const file = join(dir, `${name}.modules`);
  writeFileSync(file, '');
  await start(['--import', join(dir, 'counter.mjs')], { COUNT_FILE: file });
  return new Set(readFileSync(file, 'utf8').split('\n').filter(Boolean)).size;
}

async function main() {
  buildDist();
  writeFileSync(join(dir, 'hooks.mjs'), HOOKS);
  writeFileSync(join(dir, 'counter.mjs'), COUNTER);
  const runs: Record<string, [number, number][]> = { 'node -e 0': [], '--help': [], serve: [], 'mcp-gateway': [], 'tiny upstream alone': [] };
  for (let i = 0; i < RUNS; i++) {
    runs['node -e 0']!.push(timed(['-e', '0']));
    runs['--help']!.push(timed([BIN, '--help']));
    runs.serve!.push(await serve());
    runs['mcp-gateway']!.push(await initialize(gateway));
    runs['tiny upstream alone']!.push(await initialize(['-e', UPSTREAM]));
  }
  const range = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return `${s[0]}–${s.at(-1)} ms (median ${s[Math.floor(s.length / 2)]})`;
  };
  for (const [name, xs] of Object.entries(runs)) {
    console.log(`${name.padEnd(20)} wall ${range(xs.map((x) => x[0])).padEnd(28)} CPU ${range(xs.map((x) => x[1]))}`);
  }
  const help = await modules(async (nodeArgs, env) => spawnSync(process.execPath, [...nodeArgs, BIN, '--help'], { env: { ...process.env, ...env } }), 'help');
  const served = await modules((nodeArgs, env) => serve(nodeArgs, env), 'serve');
  const gated = await modules((nodeArgs, env) => initialize(gateway, nodeArgs, env), 'gateway');
  console.log(`module files loaded: --help ${help}, serve ${served}, mcp-gateway ${gated} (${RUNS} runs each above)`);
}

try {
  await main();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
