import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decisionStatement } from '../../src/contract/decision-statement.js';
import { createClient } from '../../src/sdk/index.js';
import { api, dropTableProposal, startTestServer, type TestServer } from '../support/harness.js';

const POLICY = 'signed_decisions: { default: optional, irreversible: required }';
// No irreversible class, only blast_radius: signatures optional here.
const criticalRead = () => dropTableProposal({ action: { type: 'sql', command: 'SELECT count(*) FROM users' }, reversibility: { reversible: true } });

let t: TestServer;
let agent: ReturnType<typeof api>;
let auditor: ReturnType<typeof api>;
const people: Record<string, { token: string; http: ReturnType<typeof api>; privateKey: KeyObject; keyId: string }> = {};

async function person(name: string) {
  const token = await t.addIdentity(name, 'human', ['approver']);
  const http = api(t.url, token);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const registered = await http.post('/v1/keys', { public_key: publicKey.export({ format: 'pem', type: 'spki' }), label: `${name}'s laptop` });
  expect(registered.status).toBe(201);
  people[name] = { token, http, privateKey, keyId: registered.body.key_id };
}

type Fields = { proposal_id: string; action_hash: string; decision: 'approve' | 'reject'; reason: string; identity: string };
/** A decision body signed by `signer`'s key over `fields` (by default, exactly the decision sent). */
function body(signer: string, p: { id: string; action_hash: string }, reason: string, fields: Partial<Fields> = {}, decision: 'approve' | 'reject' = 'approve') {
  const statement = decisionStatement({ proposal_id: p.id, action_hash: p.action_hash, decision, reason, identity: signer, ...fields });
  const { privateKey, keyId } = people[signer]!;
  return { reason, signature: { key_id: keyId, sig: sign(null, statement, privateKey).toString('base64url') } };
}

const propose = async (proposal: unknown = dropTableProposal()) => (await agent.propose(proposal)).body as { id: string; action_hash: string; signed_decisions?: string };
const approveAs = (name: string, id: string, payload: unknown) => people[name]!.http.post(`/v1/proposals/${id}/approvals`, payload);

/** The refused attempts on a proposal, as the audit log records them. */
async function refusals(id: string) {
  const { body: chain } = await auditor.get(`/v1/audit/proposals/${id}`);
  return chain.events.filter((e: { type: string }) => e.type === 'attempt.refused').map((e: { actor: string; data: { code: string; signature?: { key_id: string } } }) => ({ actor: e.actor, code: e.data.code, key_id: e.data.signature?.key_id }));
}

beforeAll(async () => {
  t = await startTestServer({ policy: POLICY });
  agent = api(t.url, await t.addIdentity('agent-7', 'agent', ['proposer']));
  auditor = api(t.url, await t.addIdentity('audrey', 'human', ['auditor']));
  await person('alice');
  await person('bob');
});
afterAll(() => t.close());

describe('signed decisions over HTTP', () => {
  it('counts decisions signed by each approver\'s own key and records each signature', async () => {
    const p = await propose();
    expect(p.signed_decisions).toBe('required');
    expect((await approveAs('alice', p.id, body('alice', p, 'migration 42 checked'))).status).toBe(201);
    const done = await approveAs('bob', p.id, body('bob', p, 'snapshot verified'));
    expect(done.status).toBe(201);
    expect(done.body.status).toBe('approved');
    expect(done.body.approvals.map((a: { signature: unknown }) => a.signature)).toEqual([
      { kind: 'key', key_id: people.alice!.keyId },
      { kind: 'key', key_id: people.bob!.keyId },
    ]);
    const { body: chain } = await auditor.get(`/v1/audit/proposals/${p.id}`);
    const recorded = chain.events.filter((e: { type: string }) => e.type === 'approval.recorded');
    expect(recorded[0].data.signature).toEqual({ kind: 'key', ...body('alice', p, 'migration 42 checked').signature });
  });

  it('signs rejections too', async () => {
    const p = await propose();
    const rejected = await people.bob!.http.post(`/v1/proposals/${p.id}/rejections`, body('bob', p, 'not today', {}, 'reject'));
    expect(rejected.status).toBe(201);
    expect(rejected.body.rejection.signature).toEqual({ kind: 'key', key_id: people.bob!.keyId });
  });

  it('refuses a stolen bearer token without the key under required, audits it and counts nothing', async () => {
    const p = await propose();
    for (const attempt of [{ reason: 'lgtm' }, body('alice', p, 'lgtm')]) {
      const stolen = await approveAs('alice', p.id, { reason: attempt.reason });
      expect(stolen.status).toBe(403);
      expect(stolen.body).toMatchObject({ code: 'signature_required', detail: expect.stringMatching(/--key FILE/) });
    }
    expect((await agent.get(`/v1/proposals/${p.id}`)).body.approvals).toEqual([]);
    expect(await refusals(p.id)).toEqual([
      { actor: 'alice', code: 'signature_required', key_id: undefined },
      { actor: 'alice', code: 'signature_required', key_id: undefined },
    ]);
  });

  it('refuses a signature over another proposal, action_hash, decision or reason, each audited', async () => {
    const p = await propose();
    const other = await propose();
    const forged = [
      body('alice', p, 'checked', { proposal_id: other.id }),
      body('alice', p, 'checked', { action_hash: other.action_hash.replace(/.$/, (c) => (c === '0' ? '1' : '0')) }),
      body('alice', p, 'checked', { decision: 'reject' }),
      { ...body('alice', p, 'checked'), reason: 'checked the backup too' },
    ];
    for (const payload of forged) {
      const refused = await approveAs('alice', p.id, payload);
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ code: 'signature_required', detail: expect.stringMatching(/does not verify over this decision's statement/) });
    }
    expect((await agent.get(`/v1/proposals/${p.id}`)).body.approvals).toEqual([]);
    expect(await refusals(p.id)).toEqual(forged.map(() => ({ actor: 'alice', code: 'signature_required', key_id: people.alice!.keyId })));
  });

  it("refuses another identity's key, audited", async () => {
    const p = await propose();
    const borrowed = body('bob', p, 'checked', { identity: 'alice' });
    const refused = await approveAs('alice', p.id, borrowed);
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toMatch(/registered to another identity, not "alice"/);
    expect(await refusals(p.id)).toEqual([{ actor: 'alice', code: 'signature_required', key_id: people.bob!.keyId }]);
  });

  it('refuses a revoked key at once, audited, and audits the revocation', async () => {
    await person('carol');
    const p = await propose();
    const carol = people.carol!;
    const revoked = await carol.http.post(`/v1/keys/${carol.keyId}/revocation`, { reason: 'laptop lost' });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ key_id: carol.keyId, revoked_by: 'carol', revoked_at: expect.any(String) });
    expect((await carol.http.post(`/v1/keys/${carol.keyId}/revocation`, {})).status).toBe(409);
    const refused = await approveAs('carol', p.id, body('carol', p, 'checked'));
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'signature_required', detail: expect.stringMatching(/was revoked at/) });
    expect(await refusals(p.id)).toEqual([{ actor: 'carol', code: 'signature_required', key_id: carol.keyId }]);
  });

  it('answers a malformed signature with a 400 naming the field and what is wrong, audited', async () => {
    const p = await propose();
    const good = body('alice', p, 'checked');
    const cases = [
      { sig: `${good.signature.sig.slice(0, 80)}+/+/==`, key_id: good.signature.key_id, field: 'signature.sig', message: /not base64url/ },
      { sig: good.signature.sig.slice(0, 43), key_id: good.signature.key_id, field: 'signature.sig', message: /wrong length.*64 bytes/ },
      { sig: good.signature.sig, key_id: 'ed25519_00000000000000000000000000000000', field: 'signature.key_id', message: /unknown key_id/ },
    ];
    for (const c of cases) {
      const refused = await approveAs('alice', p.id, { reason: 'checked', signature: { key_id: c.key_id, sig: c.sig } });
      expect(refused.status).toBe(400);
      expect(refused.contentType).toMatch(/application\/problem\+json/);
      expect(refused.body.errors).toEqual([{ field: c.field, message: expect.stringMatching(c.message) }]);
    }
    expect(await refusals(p.id)).toEqual(cases.map((c) => ({ actor: 'alice', code: 'invalid_input', key_id: c.key_id })));
    expect((await agent.get(`/v1/proposals/${p.id}`)).body.approvals).toEqual([]);
  });

  it('keeps decision bodies to reason and signature: anything else is a 400 and changes nothing', async () => {
    const p = await propose();
    const bundled = await approveAs('alice', p.id, { ...body('alice', p, 'checked'), proposal_ids: [p.id] });
    expect(bundled.status).toBe(400);
    expect(bundled.body.errors).toEqual([{ field: 'proposal_ids', message: 'is not a known field; remove it' }]);
    const extra = await approveAs('alice', p.id, { reason: 'checked', signature: { ...body('alice', p, 'checked').signature, kind: 'key' } });
    expect(extra.status).toBe(400);
    expect((await agent.get(`/v1/proposals/${p.id}`)).body.approvals).toEqual([]);
  });

  it('under optional, takes an unsigned decision, records a valid signature and still refuses an invalid one', async () => {
    const p = await propose(criticalRead());
    expect(p.signed_decisions).toBeUndefined();
    const forged = await approveAs('alice', p.id, body('alice', p, 'checked', { reason: 'something else' }));
    expect(forged.status).toBe(403);
    expect(forged.body.code).toBe('signature_invalid');
    expect((await approveAs('alice', p.id, body('alice', p, 'checked'))).body.approvals[0].signature).toEqual({ kind: 'key', key_id: people.alice!.keyId });
    expect((await approveAs('bob', p.id, { reason: 'fine' })).body).toMatchObject({ status: 'approved', approvals: [{}, { identity: 'bob' }] });
    expect(await refusals(p.id)).toEqual([{ actor: 'alice', code: 'signature_invalid', key_id: people.alice!.keyId }]);
  });

  it('signs through the SDK with a PEM or a KeyObject', async () => {
    const p = await propose();
    const sdk = (name: string) => createClient({ url: t.url, token: people[name]!.token });
    const pem = people.alice!.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    await sdk('alice').approve(p.id, '  reviewed the plan  ', { key: pem });
    const approved = await sdk('bob').approve(p.id, 'reviewed', { key: people.bob!.privateKey });
    expect(approved.status).toBe('approved');
    expect(approved.approvals.map((a) => [a.reason, a.signature?.key_id])).toEqual([['reviewed the plan', people.alice!.keyId], ['reviewed', people.bob!.keyId]]);
    await expect(sdk('alice').approve((await propose()).id, 'no key')).rejects.toMatchObject({ status: 403, problem: { code: 'signature_required' } });
  });
});

describe('key registration', () => {
  it('refuses a key that is not Ed25519, and one already registered, naming the fix', async () => {
    const alice = people.alice!.http;
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'pem', type: 'spki' });
    expect((await alice.post('/v1/keys', { public_key: rsa })).body.errors).toEqual([{ field: 'public_key', message: 'must be an Ed25519 key (this one is rsa)' }]);
    expect((await alice.post('/v1/keys', { public_key: 'hello' })).body.errors).toEqual([{ field: 'public_key', message: expect.stringMatching(/PEM .* or the base64url of its 32 bytes/) }]);
    const again = await alice.post('/v1/keys', { public_key: people.alice!.privateKey.export({ format: 'jwk' }).x });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'key_exists', detail: expect.stringMatching(/registered already \(to you/) });
  });

  it("lists the caller's keys; only an admin sees another identity's", async () => {
    const mine = await people.alice!.http.get('/v1/keys');
    expect(mine.body).toMatchObject({ identity: 'alice', items: [{ key_id: people.alice!.keyId, label: "alice's laptop", revoked_at: null }] });
    expect((await people.bob!.http.get('/v1/keys?identity=alice')).status).toBe(403);
    expect((await people.bob!.http.get(`/v1/keys/${people.alice!.keyId}`)).status).toBe(404);
    expect((await people.bob!.http.post(`/v1/keys/${people.alice!.keyId}/revocation`, {})).status).toBe(404);
    const admin = api(t.url, t.adminToken);
    expect((await admin.get('/v1/keys?identity=alice')).body.items.map((k: { key_id: string }) => k.key_id)).toEqual([people.alice!.keyId]);
    expect((await admin.get(`/v1/keys/${people.alice!.keyId}`)).body.identity).toBe('alice');
  });

  it('lets an admin revoke any key, and audits registrations and revocations with the public key', async () => {
    await person('dave');
    const admin = api(t.url, t.adminToken);
    expect((await admin.post(`/v1/keys/${people.dave!.keyId}/revocation`, { reason: 'left the team' })).body).toMatchObject({ revoked_by: 'admin' });
    const exported = await import('../../src/store/sqlite/sqlite-store.js').then(async ({ openSqliteStore }) => {
      const store = openSqliteStore(t.dbFile);
      try {
        return await store.keyEvents([people.dave!.keyId]);
      } finally {
        await store.close();
      }
    });
    expect(exported).toMatchObject([
      { type: 'key.registered', actor: 'dave', data: { key_id: people.dave!.keyId, identity: 'dave', kind: 'key', algorithm: 'ed25519', public_key: people.dave!.privateKey.export({ format: 'jwk' }).x } },
      { type: 'key.revoked', actor: 'admin', reason: 'left the team', data: { key_id: people.dave!.keyId, identity: 'dave' } },
    ]);
  });
});
