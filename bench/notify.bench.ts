// What webhook notifications cost the gate: full approval cycles over HTTP with no webhooks,
// with two webhooks to a receiver that answers, and with two to a receiver that never answers,
// measured in alternating rounds in the same run; and how soon a new proposal reaches a receiver.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { policyFile, type ServeProcess, startServe } from '../test/support/serve-process.js';
import { startWebhookReceiver } from '../test/support/webhook-receiver.js';
import { addBenchIdentities, type BenchTokens, cycleClient, proposal } from './cycle-client.js';
import { percentile } from './percentile.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const ROUNDS = 6;
const WORKERS = 8;
const dir = mkdtempSync(join(tmpdir(), 'countersign-notify-bench-'));

const webhooks = (url: string) => `notifications:
  webhooks:
    - { name: chat, format: slack, url: "${url}/chat" }
    - { name: siem, format: json, url: "${url}/siem", secret_env: BENCH_HOOK_KEY }
`;

async function main() {
  // The answering receiver also tells the latency probe when a proposal's creation arrives.
  const arrivals = new Map<string, () => void>();
  const answering = await startWebhookReceiver((r) => {
    if (r.path === '/siem') arrivals.get(JSON.parse(r.body).proposal?.id)?.();
    return 200;
  });
  const silent = await startWebhookReceiver(() => 'hang');
  const setups = [
    { name: 'no webhooks', policy: undefined },
    { name: 'two webhooks, receiver answers 200', policy: policyFile(webhooks(answering.url)) },
    { name: 'two webhooks, receiver never answers', policy: policyFile(webhooks(silent.url)) },
  ];

  const servers: { name: string; server: ServeProcess; tokens: BenchTokens; client: ReturnType<typeof cycleClient>; cycles: number }[] = [];
  for (const [i, setup] of setups.entries()) {
    const dbFile = join(dir, `bench-${i}.db`);
    const server = await startServe(['--db', dbFile, '--port', '0', ...(setup.policy ? ['--policy', setup.policy] : [])], { env: { BENCH_HOOK_KEY: 'bench-key' } });
    const tokens = await addBenchIdentities(dbFile);
    const client = cycleClient(server.url, tokens);
    for (let w = 0; w < 20; w++) await client.cycle(); // warm-up
    servers.push({ name: setup.name, server, tokens, client, cycles: 0 });
  }

  const round = SECONDS / ROUNDS;
  for (let r = 0; r < ROUNDS; r++) for (const s of servers) s.cycles += await s.client.cyclesFor(round / servers.length, WORKERS);
  const rate = (s: (typeof servers)[number]) => s.cycles / (SECONDS / servers.length);
  const baseline = rate(servers[0]!);

  // A proposal's way from the agent's POST to the receiver, one at a time (after the load has drained).
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const reach: number[] = [];
  const { client, tokens } = servers[1]!;
  for (let i = 0; i < 200; i++) {
    const sent = performance.now();
    const { id } = await client.call('POST', '/v1/proposals', tokens.agent, proposal);
    await new Promise<void>((resolve) => arrivals.set(id, resolve));
    arrivals.delete(id);
    reach.push(performance.now() - sent);
  }
  reach.sort((x, y) => x - y);

  for (const s of servers) {
    console.log(`full cycles over HTTP, ${s.name.padEnd(38)} ${rate(s).toFixed(1).padStart(7)} cycles/s = ${(rate(s) / baseline).toFixed(2)} x no webhooks`);
  }
  console.log(`proposal POST sent -> its creation at the receiver (signed JSON): p50 ${percentile(reach, 50).toFixed(2)} ms, p99 ${percentile(reach, 99).toFixed(2)} ms`);
  for (const s of servers) await s.server.stop();
  await answering.close();
  await silent.close();
  rmSync(dir, { recursive: true, force: true });
}

await main();
