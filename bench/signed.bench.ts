// Server CPU per approval, signed (Ed25519 verification, a key lookup, a larger audit event)
// against unsigned, on one durable SQLite server process. The two kinds alternate in rounds, and
// every signature is made before its round, so the client's signing never competes for the cores.
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decisionStatement } from '../src/contract/decision-statement.js';
import { startServe } from '../test/support/serve-process.js';
import { addBenchIdentities, cycleClient, proposal } from './cycle-client.js';

const PER_ROUND = Number(process.env.BENCH_SIGNED_APPROVALS ?? 300);
const ROUNDS = 6;
const WORKERS = 8;
const dir = mkdtempSync(join(tmpdir(), 'countersign-bench-'));

/** User plus system CPU time of a process so far, in ms (Linux /proc; clock ticks are 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function main() {
  const dbFile = join(dir, 'countersign.db');
  const server = await startServe(['--db', dbFile, '--port', '0']);
  const tokens = await addBenchIdentities(dbFile);
  const { call } = cycleClient(server.url, tokens);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const { key_id } = (await call('POST', '/v1/keys', tokens.alice, { public_key: publicKey.export({ format: 'pem', type: 'spki' }) })) as unknown as { key_id: string };

  type Job = { id: string; body: unknown };
  async function prepare(signed: boolean): Promise<Job[]> {
    const jobs: Job[] = [];
    for (let i = 0; i < PER_ROUND; i++) {
      const p = await call('POST', '/v1/proposals', tokens.agent, proposal);
      const reason = 'checked the snapshot';
      const statement = decisionStatement({ proposal_id: p.id, action_hash: p.action_hash, decision: 'approve', reason, identity: 'alice' });
      jobs.push({ id: p.id, body: signed ? { reason, signature: { key_id, sig: sign(null, statement, privateKey).toString('base64url') } } : { reason } });
    }
    return jobs;
  }
  /** Server CPU ms spent on these approvals, sent by WORKERS concurrent approvers. */
  async function approveAll(jobs: Job[]): Promise<number> {
    const start = cpuMs(server.child.pid!);
    let next = 0;
    await Promise.all(Array.from({ length: WORKERS }, async () => {
      while (next < jobs.length) {
        const job = jobs[next++]!;
        await call('POST', `/v1/proposals/${job.id}/approvals`, tokens.alice, job.body);
      }
    }));
    return cpuMs(server.child.pid!) - start;
  }

  await approveAll(await prepare(true)); // warm-up, both paths
  await approveAll(await prepare(false));
  const spent = { signed: 0, unsigned: 0 };
  for (let r = 0; r < ROUNDS; r++) {
    for (const kind of r % 2 ? (['signed', 'unsigned'] as const) : (['unsigned', 'signed'] as const)) {
      spent[kind] += await approveAll(await prepare(kind === 'signed'));
    }
  }
  const per = (ms: number) => ms / (ROUNDS * PER_ROUND);
  console.log(`server CPU per approval, unsigned: ${per(spent.unsigned).toFixed(3)} ms`);
  console.log(`server CPU per approval, signed:   ${per(spent.signed).toFixed(3)} ms  (+${(per(spent.signed) - per(spent.unsigned)).toFixed(3)} ms, ${(spent.signed / spent.unsigned).toFixed(2)}x; ${ROUNDS * PER_ROUND} of each, Ed25519)`);
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}

await main();
