import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decisionStatement } from '../../src/contract/decision-statement.js';
import { passkeyChallenge } from '../../src/contract/passkey-assertion.js';
import { api, dropTableProposal, startTestServer, type TestServer } from '../support/harness.js';
import { runCli } from '../support/run-cli.js';
import { type SoftwarePasskey, softwarePasskey, UP } from '../support/software-passkey.js';
import { post, signIn } from '../support/ui-forms.js';

const POLICY = 'signed_decisions: { default: optional, irreversible: required }';

let t: TestServer;
let agent: ReturnType<typeof api>;
let auditor: ReturnType<typeof api>;
const people: Record<string, { http: ReturnType<typeof api>; session: { cookie: string; csrf: string }; passkey: SoftwarePasskey }> = {};

const unescapeHtml = (text: string) => text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** Registers a new software passkey through the Passkeys page, as the page's script does. */
async function registerPasskey(name: string, label: string): Promise<SoftwarePasskey> {
  const { cookie, csrf } = people[name]!.session;
  const page = await (await fetch(`${t.url}/passkeys`, { headers: { cookie } })).text();
  const options = JSON.parse(unescapeHtml(/data-options="([^"]+)"/.exec(page)![1]!));
  const issued = /name="issued" value="(\d+)"/.exec(page)![1]!;
  const passkey = softwarePasskey(t.url);
  const response = await post(t.url, '/passkeys', cookie, { csrf, issued, label, credential: JSON.stringify(passkey.register(options)) });
  expect(response.status).toBe(303);
  return passkey;
}

async function person(name: string) {
  const token = await t.addIdentity(name, 'human', ['approver']);
  people[name] = { http: api(t.url, token), session: await signIn(t.url, token), passkey: undefined as never };
  people[name]!.passkey = await registerPasskey(name, `${name}'s laptop`);
}

type Fields = { proposal_id: string; action_hash: string; decision: 'approve' | 'reject'; reason: string; identity: string };
type P = { id: string; action_hash: string };
/** An assertion by `passkey` over the statement of `fields` (by default, exactly the decision sent). */
function assertion(passkey: SoftwarePasskey, signer: string, p: P, reason: string, fields: Partial<Fields> = {}, options: Parameters<SoftwarePasskey['assert']>[1] = {}) {
  const statement = decisionStatement({ proposal_id: p.id, action_hash: p.action_hash, decision: 'approve', reason, identity: signer, ...fields });
  return passkey.assert(passkeyChallenge(statement), options);
}
const body = (reason: string, keyId: string, a: unknown) => ({ reason, signature: { kind: 'passkey', key_id: keyId, assertion: a } });
const signedBy = (name: string, p: P, reason: string, fields: Partial<Fields> = {}, options = {}) =>
  body(reason, people[name]!.passkey.id, assertion(people[name]!.passkey, name, p, reason, fields, options));

const propose = async () => (await agent.propose(dropTableProposal())).body as P & { signed_decisions?: string };
const approveAs = (name: string, id: string, payload: unknown) => people[name]!.http.post(`/v1/proposals/${id}/approvals`, payload);

async function refusals(id: string) {
  const { body: chain } = await auditor.get(`/v1/audit/proposals/${id}`);
  return chain.events
    .filter((e: { type: string }) => e.type === 'attempt.refused')
    .map((e: { actor: string; data: { code: string; signature?: { kind: string; key_id: string } } }) => ({ actor: e.actor, code: e.data.code, kind: e.data.signature?.kind, key_id: e.data.signature?.key_id }));
}

beforeAll(async () => {
  t = await startTestServer({ policy: POLICY });
  agent = api(t.url, await t.addIdentity('agent-7', 'agent', ['proposer']));
  auditor = api(t.url, await t.addIdentity('audrey', 'human', ['auditor']));
  await person('alice');
  await person('bob');
});
afterAll(() => t.close());

describe('passkey-signed decisions over HTTP', () => {
  it('records the registration with the credential id and COSE public key, and counts passkey-signed approvals under required', async () => {
    const { body: keys } = await people.alice!.http.get('/v1/keys');
    expect(keys.items).toMatchObject([{ key_id: people.alice!.passkey.id, kind: 'passkey', public_key: people.alice!.passkey.coseKey, label: "alice's laptop" }]);

    const p = await propose();
    expect(p.signed_decisions).toBe('required');
    expect((await approveAs('alice', p.id, signedBy('alice', p, 'migration 42 checked'))).status).toBe(201);
    const done = await approveAs('bob', p.id, signedBy('bob', p, 'snapshot verified'));
    expect(done.status).toBe(201);
    expect(done.body.status).toBe('approved');
    expect(done.body.approvals.map((a: { signature: unknown }) => a.signature)).toEqual([
      { kind: 'passkey', key_id: people.alice!.passkey.id },
      { kind: 'passkey', key_id: people.bob!.passkey.id },
    ]);

    const chain = await runCli(['audit', 'chain', p.id, '--verify', '--json', '--db', t.dbFile]);
    expect(chain.code).toBe(0);
    const result = JSON.parse(chain.stdout);
    const decisions = result.events.filter((e: { type: string }) => e.type === 'approval.recorded');
    expect(decisions.map((e: { signature: unknown }) => e.signature)).toEqual([
      { kind: 'passkey', key_id: people.alice!.passkey.id, verified: true },
      { kind: 'passkey', key_id: people.bob!.passkey.id, verified: true },
    ]);
    // What an offline verifier needs is in the log itself.
    expect(decisions[0].data.signature).toEqual({ kind: 'passkey', key_id: people.alice!.passkey.id, authenticator_data: expect.any(String), client_data_json: expect.any(String), sig: expect.any(String) });
    const registered = result.key_events.events.find((e: { actor: string }) => e.actor === 'alice');
    expect(registered.data).toMatchObject({ kind: 'passkey', credential_id: people.alice!.passkey.id, public_key: people.alice!.passkey.coseKey, algorithm: 'ES256', rp_id: '127.0.0.1' });
  });

  it('refuses a replayed assertion (counter not grown) and the same assertion for another decision, each audited', async () => {
    const p = await propose();
    const older = signedBy('alice', p, 'checked twice');
    const newer = signedBy('alice', p, 'checked twice');
    expect((await approveAs('alice', p.id, newer)).status).toBe(201);
    for (const replay of [newer, older]) {
      const refused = await approveAs('alice', p.id, replay);
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ code: 'signature_required', detail: expect.stringMatching(/counter did not grow.*replayed/) });
    }
    const other = await propose();
    const elsewhere = await approveAs('alice', other.id, newer);
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.body.detail).toMatch(/challenge is not the SHA-256 of this decision's statement/);

    const id = people.alice!.passkey.id;
    expect(await refusals(p.id)).toEqual([
      { actor: 'alice', code: 'signature_required', kind: 'passkey', key_id: id },
      { actor: 'alice', code: 'signature_required', kind: 'passkey', key_id: id },
    ]);
    expect(await refusals(other.id)).toEqual([{ actor: 'alice', code: 'signature_required', kind: 'passkey', key_id: id }]);
  });

  it('refuses an assertion over another proposal, reason or verdict, each audited', async () => {
    const p = await propose();
    const other = await propose();
    const attempts = [
      signedBy('alice', p, 'looks fine', { proposal_id: other.id }),
      signedBy('alice', p, 'looks fine', { reason: 'something else' }),
      signedBy('alice', p, 'looks fine', { decision: 'reject' }),
    ];
    for (const attempt of attempts) {
      const refused = await approveAs('alice', p.id, attempt);
      expect(refused.status).toBe(403);
      expect(refused.body.detail).toMatch(/challenge is not the SHA-256 of this decision's statement/);
    }
    expect(await refusals(p.id)).toHaveLength(3);
    expect((await approveAs('alice', p.id, signedBy('alice', p, 'looks fine'))).status).toBe(201);
  });

  it('refuses an assertion without user verification, or made on another origin, audited', async () => {
    const p = await propose();
    const noUv = await approveAs('alice', p.id, signedBy('alice', p, 'tapped only', {}, { flags: UP }));
    expect(noUv.status).toBe(403);
    expect(noUv.body.detail).toMatch(/did not verify the user.*user verification is required/);
    const phished = await approveAs('alice', p.id, signedBy('alice', p, 'tapped only', {}, { origin: 'https://countersign.example.evil' }));
    expect(phished.status).toBe(403);
    expect(phished.body.detail).toMatch(/made on "https:\/\/countersign\.example\.evil", not on this server/);
    expect((await refusals(p.id)).map((r: { code: string }) => r.code)).toEqual(['signature_required', 'signature_required']);
  });

  it("refuses another identity's passkey, audited", async () => {
    const p = await propose();
    // Bob holds alice's passkey assertion over bob's own statement: the key is not his.
    const stolen = body('mine now', people.alice!.passkey.id, assertion(people.alice!.passkey, 'bob', p, 'mine now'));
    const refused = await approveAs('bob', p.id, stolen);
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toMatch(/registered to another identity, not "bob"/);
    expect(await refusals(p.id)).toEqual([{ actor: 'bob', code: 'signature_required', kind: 'passkey', key_id: people.alice!.passkey.id }]);
  });

  it('refuses a revoked passkey at once, and audits the revocation', async () => {
    const spare = await registerPasskey('alice', 'spare key');
    const { cookie, csrf } = people.alice!.session;
    const revoked = await post(t.url, `/passkeys/${encodeURIComponent(spare.id)}/revocation`, cookie, { csrf });
    expect(revoked.status).toBe(303);
    const p = await propose();
    const refused = await approveAs('alice', p.id, body('with the spare', spare.id, assertion(spare, 'alice', p, 'with the spare')));
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toMatch(/was revoked at/);
    expect(await refusals(p.id)).toEqual([{ actor: 'alice', code: 'signature_required', kind: 'passkey', key_id: spare.id }]);
    const { openSqliteStore } = await import('../../src/store/sqlite/sqlite-store.js');
    const store = openSqliteStore(t.dbFile);
    try {
      expect(await store.keyEvents([spare.id])).toMatchObject([
        { type: 'key.registered', actor: 'alice', data: { key_id: spare.id, identity: 'alice', kind: 'passkey', credential_id: spare.id, public_key: spare.coseKey } },
        { type: 'key.revoked', actor: 'alice', data: { key_id: spare.id, identity: 'alice', kind: 'passkey' } },
      ]);
    } finally {
      await store.close();
    }
  });

  it('answers a malformed assertion with a 400 naming what is wrong', async () => {
    const p = await propose();
    const good = assertion(people.alice!.passkey, 'alice', p, 'fine');
    const cases: [unknown, string][] = [
      [{ kind: 'passkey', key_id: people.alice!.passkey.id }, 'signature.assertion'],
      [{ kind: 'passkey', key_id: people.alice!.passkey.id, assertion: { ...good, client_data_json: 'not base64url!' } }, 'signature.assertion.client_data_json'],
      [{ kind: 'passkey', key_id: people.alice!.passkey.id, assertion: { ...good, authenticator_data: 'AAAA' } }, 'signature.assertion.authenticator_data'],
      [{ kind: 'passkey', key_id: people.alice!.passkey.id, assertion: { ...good, client_data_json: Buffer.from('{oops').toString('base64url') } }, 'signature.assertion.client_data_json'],
      [{ kind: 'passkey', key_id: people.alice!.passkey.id, assertion: { ...good, extra: 'x' } }, 'signature.assertion.extra'],
      [{ key_id: people.alice!.passkey.id, sig: 'A'.repeat(86) }, 'signature'],
    ];
    for (const [signature, field] of cases) {
      const refused = await approveAs('alice', p.id, { reason: 'fine', signature });
      expect(refused.status, field).toBe(400);
      expect(refused.contentType).toMatch(/application\/problem\+json/);
      expect(refused.body.errors.map((e: { field: string }) => e.field), field).toContain(field);
    }
  });
});
