/**
 * Deletes a scratch directory only after two people approve it.
 *
 *   COUNTERSIGN_URL=http://127.0.0.1:7420 COUNTERSIGN_TOKEN=<agent token> node --import tsx examples/sdk-gate-run.ts
 *
 * While it waits, approve from two approver identities:
 *   countersign approve <id> --reason "scratch data, safe to delete"
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, ProposalExpired, ProposalRejected, StillPending } from 'countersign/sdk';

const url = process.env.COUNTERSIGN_URL ?? 'http://127.0.0.1:7420';
const token = process.env.COUNTERSIGN_TOKEN;
if (!token) throw new Error('set COUNTERSIGN_TOKEN to an identity with the proposer role');

const dir = await mkdtemp(join(tmpdir(), 'countersign-example-'));
await writeFile(join(dir, 'results.csv'), 'run,score\n1,0.93\n');

const countersign = createClient({ url, token });
try {
  const removed = await countersign.gate.run(
    {
      action: { type: 'shell', command: `rm -r ${dir}`, params: { path: dir } },
      what: `Delete the scratch directory ${dir}`,
      why: 'The experiment finished and its results are uploaded',
      blast_radius: { resources: [dir] },
      reversibility: { reversible: false },
      urgency: 'normal',
    },
    // Runs with the approved action from the server's grant, not the local object above.
    async (action) => {
      const path = String(action.params?.path);
      const files = await readdir(path);
      await rm(path, { recursive: true });
      return files;
    },
    {
      maxWaitMs: 10 * 60_000,
      onProposed: (p) =>
        console.log(p.status === 'pending' ? `Waiting for ${p.required_approvals} approvals of proposal ${p.id}` : `Approved by policy: ${p.id}`),
    },
  );
  console.log(`Deleted ${dir} (${removed.join(', ')})`);
} catch (error) {
  if (error instanceof ProposalRejected) console.log(`Not deleted: ${error.identity} rejected it: ${error.reason}`);
  else if (error instanceof ProposalExpired) console.log('Not deleted: nobody decided in time (the proposal expired)');
  else if (error instanceof StillPending) console.log(`Not deleted yet: ${error.message}`);
  else throw error;
  process.exitCode = 1;
}
