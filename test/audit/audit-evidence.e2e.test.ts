import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkChain } from '../../src/audit/chain-check.js';
import { generateNoteKey, parseSigner, parseVerifier } from '../../src/audit/note-key.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { api, dropTableProposal, startTestServer, type TestServer } from '../support/harness.js';
import { runCli } from '../support/run-cli.js';
import { cutTail, withDb } from './tamper-kit.js';

let t: TestServer;
let auditor: ReturnType<typeof api>;
let agent: ReturnType<typeof api>;
let claimedId: string;

const run = (args: string[]) => runCli([...args, '--db', t.dbFile]);
// Several `countersign` processes in one test: a few seconds each on two busy cores.
const CLI_MS = 180_000;

beforeAll(async () => {
  t = await startTestServer();
  agent = api(t.url, await t.addIdentity('agent-1', 'agent', ['proposer']));
  const alice = api(t.url, await t.addIdentity('alice', 'human', ['approver']));
  const bob = api(t.url, await t.addIdentity('bob', 'human', ['approver']));
  auditor = api(t.url, await t.addIdentity('audrey', 'human', ['auditor']));
  const p = (await agent.propose(dropTableProposal())).body;
  await alice.approve(p.id, 'checked the migration');
  await bob.approve(p.id, 'snapshot verified');
  const claim = await agent.claim(p.id, p.action_hash);
  expect(claim.status).toBe(200);
  claimedId = p.id;
});
afterAll(() => t.close());

describe('checkpoints and proofs', () => {
  it('signs a checkpoint covering the approvals before an execution claim is granted', async () => {
    const store = openSqliteStore(t.dbFile);
    try {
      const events = await store.auditEventsFor(claimedId);
      const approved = events.find((e) => e.type === 'proposal.approved')!;
      const claimed = events.find((e) => e.type === 'execution.claimed')!;
      // Signed before the claim was committed: the claim event comes after it. (The server also
      // signs every 30 s, so a later checkpoint may exist too; the one before the claim must.)
      const db = new Database(t.dbFile, { readonly: true });
      const sizes = db.prepare('SELECT tree_size FROM checkpoints').pluck().all() as number[];
      db.close();
      expect(sizes.filter((size) => size >= approved.seq && size < claimed.seq)).not.toHaveLength(0);
    } finally {
      await store.close();
    }
  });

  it('answers GET /v1/audit/proposals/:id with events, inclusion proofs and a signed checkpoint that verify offline', async () => {
    const { status, body } = await auditor.get(`/v1/audit/proposals/${claimedId}`);
    expect(status).toBe(200);
    expect(body.events.map((e: { type: string }) => e.type)).toEqual(['proposal.created', 'approval.recorded', 'approval.recorded', 'proposal.approved', 'execution.claimed']);
    expect(body.proofs).toHaveLength(5);
    expect(body.checkpoint.note).toMatch(/^countersign-[0-9a-f]{8}\n\d+\n[A-Za-z0-9+/]{43}=\n\n\u2014 countersign-[0-9a-f]{8} \S+\n$/);
    const verifier = parseVerifier(body.public_key);
    expect(checkChain(body, verifier)).toMatchObject({ ok: true });

    const edited = structuredClone(body);
    edited.events[2].reason = 'rubber stamp';
    expect(checkChain(edited, verifier).events[2]).toMatchObject({ ok: false, problem: expect.stringMatching(/content/) });
    const badProof = structuredClone(body);
    badProof.proofs[1].hashes[0] = '00'.repeat(32);
    expect(checkChain(badProof, verifier).events[1]).toMatchObject({ ok: false, problem: expect.stringMatching(/inclusion proof/) });
  });

  it('keeps 404 for an unknown proposal and 403 for a non-auditor', async () => {
    expect((await auditor.get('/v1/audit/proposals/nope')).status).toBe(404);
    expect((await agent.get(`/v1/audit/proposals/${claimedId}`)).status).toBe(403);
  });

  it('prints the public key, saves a checkpoint, and verifies the log and a chain offline from the CLI', async () => {
    await t.server.close();
    const key = await run(['audit', 'public-key']);
    expect(key.code).toBe(0);
    expect(key.stdout.trim()).toMatch(/^countersign-[0-9a-f]{8}\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);

    const file = join(t.dbFile, '..', 'witnessed.checkpoint');
    const saved = await run(['audit', 'checkpoint', '--out', file, '--json']);
    expect(saved.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(/\n\n\u2014 /);

    const verify = await run(['audit', 'verify', '--checkpoint', file, '--public-key', key.stdout.trim(), '--json']);
    expect(verify.code).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, checkpoint: { witnessed: true, tree_size: JSON.parse(saved.stdout).tree_size } });

    const chain = await run(['audit', 'chain', claimedId, '--verify', '--json']);
    expect(chain.code).toBe(0);
    expect(JSON.parse(chain.stdout).verification).toMatchObject({ ok: true });
    const text = await run(['audit', 'chain', claimedId, '--verify']);
    expect(text.stdout).toMatch(/OK: 5 events proven/);
  }, CLI_MS);

  it('refuses a checkpoint file signed by another key, with exit 2 and one line', async () => {
    const file = join(t.dbFile, '..', 'witnessed.checkpoint');
    const other = parseSigner(generateNoteKey('countersign-forger')).text;
    const result = await run(['audit', 'verify', '--checkpoint', file, '--public-key', other]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('exits 1 from `audit verify --checkpoint` once the tail is cut, naming the first missing event', async () => {
    const file = join(t.dbFile, '..', 'witnessed.checkpoint');
    const size = Number(readFileSync(file, 'utf8').split('\n')[1]);
    withDb(t.dbFile, (db) => cutTail(db, 2));
    const plain = await run(['audit', 'verify', '--json']);
    expect(JSON.parse(plain.stdout)).toMatchObject({ ok: true, events: size - 2 });
    const witnessed = await run(['audit', 'verify', '--checkpoint', file, '--json']);
    expect(witnessed.code).toBe(1);
    expect(JSON.parse(witnessed.stdout)).toMatchObject({ ok: false, first_bad_seq: size - 1 });
  }, CLI_MS);
});
