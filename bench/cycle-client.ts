// The full approval cycle as agents and approvers drive it over HTTP, shared by the benches.
import { Agent, request } from 'node:http';
import { dropTableProposal } from '../test/support/harness.js';
import { addIdentity } from '../test/support/identities.js';

/** The contract's example: a DROP TABLE that needs two people. */
export const proposal = dropTableProposal();

export interface BenchTokens {
  agent: string;
  alice: string;
  bob: string;
}

/** Adds a proposing agent and two approvers straight in the database, as `identity add` does. */
export async function addBenchIdentities(dbFile: string): Promise<BenchTokens> {
  return {
    agent: await addIdentity(dbFile, 'agent', 'agent', ['proposer']),
    alice: await addIdentity(dbFile, 'alice', 'human', ['approver']),
    bob: await addIdentity(dbFile, 'bob', 'human', ['approver']),
  };
}

export function cycleClient(url: string, t: BenchTokens) {
  // node:http with kept-alive connections costs the load generator far less CPU than fetch,
  // so on two cores the server, not the client, sets the pace.
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const { hostname, port } = new URL(url);
  const call = (method: string, path: string, who: string, body?: unknown) =>
    new Promise<{ id: string; action_hash: string; status: string }>((resolve, reject) => {
      const payload = body ? JSON.stringify(body) : undefined;
      const headers: Record<string, string | number> = { authorization: `Bearer ${who}` };
      if (payload) Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
      const req = request({ agent, hostname, port, method, path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode! >= 400) reject(new Error(`${method} ${path}: ${res.statusCode} ${text}`));
          else resolve(JSON.parse(text));
        });
      });
      req.on('error', reject);
      req.end(payload);
    });

  /** Propose, two approvals, claim, outcome: five durable commits. */
  async function cycle() {
    const p = await call('POST', '/v1/proposals', t.agent, proposal);
    await call('POST', `/v1/proposals/${p.id}/approvals`, t.alice, { reason: 'checked' });
    await call('POST', `/v1/proposals/${p.id}/approvals`, t.bob, { reason: 'checked too' });
    await call('POST', `/v1/proposals/${p.id}/execution`, t.agent, { action_hash: p.action_hash });
    await call('POST', `/v1/proposals/${p.id}/execution/result`, t.agent, { outcome: 'succeeded' });
  }

  /** As many cycles as `workers` concurrent agents complete in `seconds`. */
  async function cyclesFor(seconds: number, workers: number): Promise<number> {
    let cycles = 0;
    const end = performance.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: workers }, async () => {
        while (performance.now() < end) {
          await cycle();
          cycles++;
        }
      }),
    );
    return cycles;
  }

  return { call, cycle, cyclesFor };
}
