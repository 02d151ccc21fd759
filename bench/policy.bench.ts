// Classifications per second for single SQL statements and shell lines, beside the bare parse rate
// of the parser underneath, on one core (this process). Target: >= 20,000/s for single statements.
// Rates are per second of this process's CPU time, so other work on a shared machine does not
// count against them; the wall-clock rate is printed beside it.
import type { Action } from '../src/domain/proposal-schema.js';
import { classifyAction } from '../src/policy/classifiers/classify-action.js';
import { withShellTree } from '../src/policy/classifiers/shell-parser.js';
import { parseSql } from '../src/policy/classifiers/sql-parser.js';

const SQL = ['DELETE FROM orders WHERE id = 42', 'SELECT * FROM users WHERE email = $1', 'DROP TABLE IF EXISTS legacy_users CASCADE', "UPDATE users SET name = 'x' WHERE id = 7"];
const SHELL = ['sudo rm -rf /srv/app/cache', 'git push --force origin main', 'kubectl delete pods --all -n prod', "bash -c 'ls -la /var/log | grep error'"];

function rate(label: string, inputs: string[], run: (input: string) => unknown, ms = 3000): number {
  let n = 0;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  while (performance.now() - start < ms) {
    for (let i = 0; i < 100; i++) run(inputs[(n + i) % inputs.length]!);
    n += 100;
  }
  const cpu = process.cpuUsage(cpuStart);
  const perCpuSecond = Math.round(n / ((cpu.user + cpu.system) / 1e6));
  const perWallSecond = Math.round(n / ((performance.now() - start) / 1000));
  const fmt = (v: number) => v.toLocaleString('en-US').padStart(9);
  console.log(`${label.padEnd(38)} ${fmt(perCpuSecond)} /CPU-s  (${fmt(perWallSecond)} /wall-s)`);
  return perCpuSecond;
}

const action = (type: Action['type']) => (command: string): Action => ({ type, command });
const sqlAction = action('sql');
const shellAction = action('shell');

// wasm code tiers up during the first seconds; measured rates start after that
rate('(warm-up sql)', SQL, (s) => classifyAction(sqlAction(s)), 1000);
rate('(warm-up shell)', SHELL, (s) => classifyAction(shellAction(s)), 1000);
rate('sql: bare parse (libpg-query)', SQL, (s) => parseSql(s));
const sql = rate('sql: classify', SQL, (s) => classifyAction(sqlAction(s)));
rate('shell: bare parse (tree-sitter-bash)', SHELL, (s) => withShellTree(s, () => undefined));
const shell = rate('shell: classify', SHELL, (s) => classifyAction(shellAction(s)));

const TARGET = 20_000;
console.log(`target ${TARGET.toLocaleString('en-US')}/s: sql ${sql >= TARGET ? 'met' : 'MISSED'}, shell ${shell >= TARGET ? 'met' : 'MISSED'}`);
