import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/harness.js';
import { type ServeProcess, startServe } from '../support/serve-process.js';

const root = join(import.meta.dirname, '../..');
const bin = join(root, 'bin/countersign.js');

/** The bash block between `<!-- NAME:start -->` and `<!-- NAME:end -->` in the README, exactly as a user copies it. */
function readmeBlock(name: string): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const block = new RegExp(`<!-- ${name}:start -->\\s*\`\`\`bash\\n([\\s\\S]*?)\`\`\`\\s*<!-- ${name}:end -->`).exec(readme);
  if (!block) throw new Error(`README has no ${name} block`);
  return block[1]!;
}
const walkthroughScript = () => readmeBlock('walkthrough');

/** Runs a script as the README's reader would, in the project folder with `npx countersign` on the PATH. */
function runScript(script: string): string {
  try {
    return execFileSync('bash', ['-c', script], {
      cwd: dir,
      env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, COUNTERSIGN_URL: server.url },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    throw new Error(`script failed: ${(error as { stderr: string }).stderr}`);
  }
}

let dir: string;
let server: ServeProcess;

beforeAll(async () => {
  dir = tempDir('countersign-readme-');
  cpSync(join(root, 'examples'), join(dir, 'examples'), { recursive: true });
  // `npx countersign` outside the checkout: a shim that runs this checkout's bin, nothing else.
  writeFileSync(join(dir, 'npx'), `#!/bin/sh\n[ "$1" = countersign ] && shift\nexec "${process.execPath}" "${bin}" "$@"\n`);
  chmodSync(join(dir, 'npx'), 0o755);
  server = await startServe(['--port', '0'], { cwd: dir });
}, 60_000);

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the README walk-through', () => {
  it('prints the admin token once on first start', () => {
    expect(server.output.join('\n')).toMatch(/Created identity "admin".*\ncs_[0-9a-f]{16}_[A-Za-z0-9_-]{43}\n/);
  });

  it('runs as documented: refusals for the agent and its owner, two approvals, one claim, a verified log', () => {
    const output = runScript(walkthroughScript());
    expect(output).toMatch(/PENDING\s+Drop the legacy users table/);
    expect(output).toContain('DECLARED MISMATCH');
    expect(output).toMatch(/APPROVED\s+Drop the legacy users table/);
    expect(output).toContain('execution  succeeded by agent-7');
    expect(output).toMatch(/OK: \d+ audit events, hash chain intact/);

    const db = new Database(join(dir, 'countersign.db'), { readonly: true });
    const events = db.prepare("SELECT type, actor, json_extract(data, '$.code') AS code FROM audit_events WHERE proposal_id IS NOT NULL ORDER BY seq").all();
    db.close();
    expect(events).toEqual([
      { type: 'proposal.created', actor: 'agent-7', code: null },
      { type: 'attempt.refused', actor: 'agent-7', code: 'not_an_approver' },
      { type: 'attempt.refused', actor: 'bob', code: 'proposer_principal' },
      { type: 'approval.recorded', actor: 'alice', code: null },
      { type: 'approval.recorded', actor: 'carol', code: null },
      { type: 'proposal.approved', actor: 'quorum', code: null },
      { type: 'execution.claimed', actor: 'agent-7', code: null },
      { type: 'attempt.refused', actor: 'agent-7', code: 'already_claimed' },
      { type: 'execution.recorded', actor: 'agent-7', code: null },
    ]);
  }, 300_000);

  it('runs the curl block as pasted after step 1: it keeps the proposal id, two approvals land, the long-poll answers approved', () => {
    // Step 1's variables, for people the walk-through has not used yet.
    const stepOne = `ALICE=$(npx countersign identity add dana --kind human --roles approver --quiet)
CAROL=$(npx countersign identity add erik --kind human --roles approver --quiet)
AGENT=$(npx countersign identity add agent-9 --kind agent --roles proposer --quiet)
`;
    const output = runScript(stepOne + readmeBlock('curl'));
    const id = /^proposed ([0-9a-f-]{36})$/m.exec(output)?.[1];
    expect(id).toBeDefined();
    // The long-poll answers in the background as the second approval lands, so its line and that
    // approval's may come out in either order, even on one line.
    expect(output.match(/approval: HTTP 201/g)).toHaveLength(2);
    const answer = output.split('\n').find((line) => line.startsWith('{'))!;
    const polled = JSON.parse(answer.slice(0, answer.lastIndexOf('}') + 1));
    expect(polled).toMatchObject({ id, status: 'approved', approvals: [{ identity: 'dana' }, { identity: 'erik' }] });
  }, 300_000);
});
