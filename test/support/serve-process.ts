import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from './harness.js';

const BIN = fileURLToPath(new URL('../../bin/countersign.js', import.meta.url));

/** A port nobody is listening on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export function policyFile(yaml: string): string {
  const file = join(tempDir('countersign-policy-'), 'policy.yaml');
  writeFileSync(file, yaml);
  return file;
}

/** A real `countersign serve` process. */
export interface ServeProcess {
  url: string;
  /** Every line it printed, start-up messages (the admin token) and sweeper notices included. */
  output: string[];
  child: ChildProcess;
  /** SIGKILL: no goodbye, in-flight requests and transactions are simply cut off. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts `countersign serve ARGS` and resolves once it is listening. */
export function startServe(args: string[], options: { cwd?: string; nodeArgs?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<ServeProcess> {
  const env = { ...process.env, ...options.env };
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), BIN, 'serve', ...args], { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return new Promise((resolve, reject) => {
    let pending = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        output.push(line);
        const match = /Countersign listening on (\S+)/.exec(line);
        if (match) resolve({ url: match[1]!, output, child, kill: () => end('SIGKILL'), stop: () => end('SIGTERM') });
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.once('exit', (code) => reject(new Error(`countersign serve exited (${code}) before listening:\n${output.join('\n')}`)));
  });
}

export interface Replica extends ServeProcess {
  port: number;
}

/** One replica on a shared PostgreSQL database. */
export async function startReplica(args: { databaseUrl: string; port: number; policy: string; env?: NodeJS.ProcessEnv }): Promise<Replica> {
  const key = join(dirname(args.policy), 'checkpoint-key');
  const serve = await startServe(['--database-url', args.databaseUrl, '--port', String(args.port), '--policy', args.policy, '--checkpoint-key', key], { env: args.env });
  return { ...serve, port: args.port };
}
