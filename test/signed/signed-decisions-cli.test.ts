import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, dropTableProposal, startTestServer, tempDir, type TestServer } from '../support/harness.js';
import { runCli } from '../support/run-cli.js';

let t: TestServer;
let agent: ReturnType<typeof api>;
let approvedId: string;
const tokens: Record<string, string> = {};
const dir = tempDir('countersign-keys-');
const keyFile = (name: string) => join(dir, `${name}.key`);

const as = (name: string, args: string[], env: NodeJS.ProcessEnv = {}) => runCli([...args, '--server', t.url], { COUNTERSIGN_TOKEN: tokens[name], ...env });
const propose = async (proposal: unknown = dropTableProposal()) => (await agent.propose(proposal)).body as { id: string };

beforeAll(async () => {
  t = await startTestServer({ policy: 'signed_decisions: { default: optional, irreversible: required }' });
  agent = api(t.url, await t.addIdentity('agent-7', 'agent', ['proposer']));
  for (const name of ['alice', 'bob', 'carol']) tokens[name] = await t.addIdentity(name, 'human', ['approver']);
});
afterAll(() => t.close());

// Each run of the binary starts Node and tsx afresh: seconds each on a busy machine.
describe('countersign key and approve --key', { timeout: 180_000 }, () => {
  it('creates a key: private key in a 0600 PKCS#8 file, public key registered, key id printed', async () => {
    const created = await as('alice', ['key', 'create', '--out', keyFile('alice'), '--json']);
    expect(created).toMatchObject({ code: 0, stderr: '' });
    const { key_id } = JSON.parse(created.stdout);
    expect(key_id).toMatch(/^ed25519_[0-9a-f]{32}$/);
    expect(readFileSync(keyFile('alice'), 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(statSync(keyFile('alice')).mode & 0o777).toBe(0o600);
    const listed = await as('alice', ['key', 'list', '--json']);
    expect(JSON.parse(listed.stdout)).toMatchObject({ identity: 'alice', items: [{ key_id, kind: 'key', revoked_at: null }] });
    const text = await as('bob', ['key', 'create', '--out', keyFile('bob'), '--label', 'ci runner']);
    expect(text.stdout).toMatch(/^Registered key ed25519_[0-9a-f]{32} for "bob"; its private key is in .*bob\.key \(mode 0600\)\./);
  });

  it('never overwrites a key file, and leaves no file when the key cannot be registered', async () => {
    const before = readFileSync(keyFile('alice'), 'utf8');
    const again = await as('alice', ['key', 'create', '--out', keyFile('alice')]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/exists already; a key file is never overwritten/);
    expect(readFileSync(keyFile('alice'), 'utf8')).toBe(before);

    const unknownToken = await runCli(['key', 'create', '--out', keyFile('nobody'), '--server', t.url], { COUNTERSIGN_TOKEN: 'cs_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
    expect(unknownToken.code).toBe(1);
    expect(existsSync(keyFile('nobody'))).toBe(false);
  });

  it('approves with --key and COUNTERSIGN_SIGNING_KEY, and refuses the token alone', async () => {
    const p = await propose();
    const unsigned = await as('alice', ['approve', p.id, '--reason', 'looks fine']);
    expect(unsigned.code).toBe(1);
    expect(unsigned.stderr).toMatch(/^countersign: 403 This proposal needs a signed decision/);
    const first = await as('alice', ['approve', p.id, '--reason', 'migration 42 checked', '--key', keyFile('alice'), '--json']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout).approvals[0].signature.kind).toBe('key');
    const second = await as('bob', ['approve', p.id, '--reason', 'snapshot verified'], { COUNTERSIGN_SIGNING_KEY: keyFile('bob') });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/APPROVED[\s\S]*- alice at \S+ \(signed, key ed25519_[0-9a-f]{32}\): migration 42 checked/);
    approvedId = p.id;
  });

  it("refuses another identity's key and a revoked key, exit 1", async () => {
    const p = await propose();
    const borrowed = await as('carol', ['approve', p.id, '--reason', 'ok', '--key', keyFile('alice')]);
    expect(borrowed.code).toBe(1);
    expect(borrowed.stderr).toMatch(/404 Key "ed25519_[0-9a-f]{32}" of "carol" does not exist/);

    const { key_id } = JSON.parse((await as('carol', ['key', 'create', '--out', keyFile('carol'), '--json'])).stdout);
    const revoked = await as('carol', ['key', 'revoke', key_id, '--reason', 'laptop lost']);
    expect(revoked.stdout).toMatch(new RegExp(`^Revoked key ${key_id} of "carol" at `));
    const late = await as('carol', ['reject', p.id, '--reason', 'no', '--key', keyFile('carol')]);
    expect(late.code).toBe(1);
    expect(late.stderr).toMatch(/was revoked at/);
  });

  it('answers an unreadable or wrong key file with one line and exit 2', async () => {
    const p = await propose();
    const missing = await as('alice', ['approve', p.id, '--reason', 'ok', '--key', join(dir, 'none.key')]);
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringMatching(/^countersign: cannot read the signing key .*none\.key: ENOENT\n$/) });
    writeFileSync(join(dir, 'junk.key'), 'not a key');
    const junk = await as('alice', ['approve', p.id, '--reason', 'ok', '--key', join(dir, 'junk.key')]);
    expect(junk).toMatchObject({ code: 2, stderr: expect.stringMatching(/^countersign: the signing key .*junk\.key is not a private key in PKCS#8 PEM/) });
  });

  it("shows each decision's signature verified offline by `audit chain --verify --json`, and null when unsigned", async () => {
    const chain = await runCli(['audit', 'chain', approvedId, '--verify', '--json', '--db', t.dbFile]);
    expect(chain.code).toBe(0);
    const result = JSON.parse(chain.stdout);
    expect(result.verification.ok).toBe(true);
    const { items: [alice] } = (await api(t.url, tokens.alice).get('/v1/keys')).body;
    const { items: [bob] } = (await api(t.url, tokens.bob).get('/v1/keys')).body;
    expect(result.events.map((e: { type: string; signature?: unknown }) => [e.type, e.signature])).toEqual([
      ['proposal.created', undefined],
      ['attempt.refused', undefined],
      ['approval.recorded', { kind: 'key', key_id: alice.key_id, verified: true }],
      ['approval.recorded', { kind: 'key', key_id: bob.key_id, verified: true }],
      ['proposal.approved', undefined],
    ]);
    expect(result.key_events.events.map((e: { type: string; actor: string }) => [e.type, e.actor])).toEqual([['key.registered', 'alice'], ['key.registered', 'bob']]);
    expect(result.key_events.proofs).toHaveLength(2);

    const read = await propose(dropTableProposal({ action: { type: 'sql', command: 'SELECT 1' }, reversibility: { reversible: true } }));
    expect((await api(t.url, tokens.alice).approve(read.id, 'fine')).status).toBe(201);
    const unsigned = JSON.parse((await runCli(['audit', 'chain', read.id, '--verify', '--json', '--db', t.dbFile])).stdout);
    expect(unsigned.events.find((e: { type: string }) => e.type === 'approval.recorded').signature).toBeNull();

    const text = await runCli(['audit', 'chain', approvedId, '--verify', '--db', t.dbFile]);
    expect(text.stdout).toMatch(/approval\.recorded +alice +included in the signed tree; signed by key ed25519_[0-9a-f]{32}: verified/);
    expect(text.stdout).toMatch(/OK: 5 events proven/);
  });
});
