import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESERVED_ACTOR_NAMES } from '../../src/domain/audit-event.js';
import { INPUT_LIMITS } from '../../src/domain/input-limits.js';
import { parsePolicy } from '../../src/policy/policy-config.js';
import { type RunningServer, serve } from '../../src/server/serve.js';
import { createIdentityService } from '../../src/service/identity-service.js';
import { api, dropTableProposal, readOnlyProposal, startTestServer, tempDir, type TestServer } from '../support/harness.js';
import { freshDatabase, needsPostgres, TEST_PG_URL } from '../support/postgres.js';
import { runCli } from '../support/run-cli.js';
import { signIn } from '../support/ui-forms.js';

/**
 * Each attack a hostile agent (or a careless one) can send, tried over real
 * HTTP: every one is refused with a 400 naming the field, nothing is stored,
 * and everyone else's reads keep working.
 */
let t: TestServer;
let agent: ReturnType<typeof api>;
let alice: ReturnType<typeof api>;
let tokens: Record<string, string>;

beforeAll(async () => {
  t = await startTestServer();
  tokens = {
    agent: await t.addIdentity('agent-1', 'agent', ['proposer']),
    alice: await t.addIdentity('alice', 'human', ['approver']),
  };
  agent = api(t.url, tokens.agent);
  alice = api(t.url, tokens.alice);
});
afterAll(() => t.close());

/** A proposal whose `action.params` holds `levels` objects inside one another, as raw JSON text. */
function nestedProposal(levels: number): string {
  const params = `${'{"a":'.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}`;
  return JSON.stringify(dropTableProposal({ action: { type: 'custom', params: 'PARAMS' } })).replace('"PARAMS"', params);
}

/** The contract's proposal with one string replaced by raw JSON text (escapes kept as sent). */
const withRaw = (field: string, rawJson: string) => JSON.stringify(dropTableProposal({ [field]: 'MARK' })).replace('"MARK"', rawJson);

const auditCount = () => {
  const db = new Database(t.dbFile, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM audit_events').get() as { n: number }).n;
  } finally {
    db.close();
  }
};

/** Every read anyone makes of the queue still answers. */
async function expectReadsWork(id?: string) {
  expect((await alice.get('/v1/proposals')).status).toBe(200);
  const list = await runCli(['list', '--json'], { COUNTERSIGN_URL: t.url, COUNTERSIGN_TOKEN: tokens.alice! });
  expect(list.code).toBe(0);
  const { cookie } = await signIn(t.url, tokens.alice!);
  expect((await fetch(`${t.url}/`, { headers: { cookie } })).status).toBe(200);
  if (!id) return;
  expect((await alice.get(`/v1/proposals/${id}`)).status).toBe(200);
  expect((await fetch(`${t.url}/proposals/${id}`, { headers: { cookie } })).status).toBe(200);
  expect((await api(t.url, t.adminToken).get(`/v1/audit/proposals/${id}`)).status).toBe(200);
  const chain = await runCli(['audit', 'chain', id, '--db', t.dbFile]);
  expect(chain.code).toBe(0);
}

describe('nesting, size and the limits a proposal is held to', () => {
  it(`refuses params nested 4,200 levels deep with a 400 naming the field and the limit, and the queue still reads`, async () => {
    const before = auditCount();
    const res = await agent.call('POST', '/v1/proposals', nestedProposal(4_200));
    expect(res.status).toBe(400);
    expect(res.contentType).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors[0].field).toBe(`action.params${'.a'.repeat(INPUT_LIMITS.depth - 2)}`);
    expect(res.body.errors[0].message).toMatch(/nested deeper than 64 levels/);
    expect(auditCount()).toBe(before);
    await expectReadsWork();
  });

  it('accepts a proposal nested right up to the limit, and every read of it answers', async () => {
    // The body is level 1, action 2, params 3: params may hold 61 more levels.
    const res = await agent.call('POST', '/v1/proposals', nestedProposal(INPUT_LIMITS.depth - 2));
    expect(res.status).toBe(201);
    await expectReadsWork(res.body.id);
    expect((await agent.call('POST', '/v1/proposals', nestedProposal(INPUT_LIMITS.depth - 1))).status).toBe(400);
  });

  it('refuses a string longer than 64 Ki characters anywhere, naming it', async () => {
    const long = 'x'.repeat(INPUT_LIMITS.stringLength + 1);
    const res = await agent.propose(dropTableProposal({ action: { type: 'custom', params: { plan: { body: long } } } }));
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'action.params.plan.body', message: 'is longer than 65536 characters; shorten it' }]);
    const key = await agent.propose(dropTableProposal({ action: { type: 'custom', params: { [long]: 1 } } }));
    expect(key.status).toBe(400);
    expect(key.body.errors[0].message).toBe('its name is longer than 65536 characters; shorten it');
  });

  it('refuses a body over 1 MiB with 413 before reading it', async () => {
    const res = await agent.propose(dropTableProposal({ action: { type: 'custom', params: { chunks: Array(20).fill('y'.repeat(60_000)) } } }));
    expect(res.status).toBe(413);
    expect(res.body.detail).toMatch(/1 MiB/);
  });
});

describe('text that is not text', () => {
  it.each(['what', 'why'])('refuses a lone UTF-16 surrogate in %s with a 400 naming it, not a 5xx', async (field) => {
    const res = await agent.call('POST', '/v1/proposals', withRaw(field, '"Drop \\ud800 the table"'));
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field, message: 'contains a lone UTF-16 surrogate (\\ud800), which is not text; send well-formed Unicode' }]);
  });

  it('refuses a lone surrogate in any other field of a proposal, naming the path', async () => {
    const cases: [string, (s: string) => unknown][] = [
      ['action.command', (s) => ({ action: { type: 'sql', command: s } })],
      ['action.target.system', (s) => ({ action: { type: 'sql', command: 'SELECT 1', target: { system: s } } })],
      ['action.params.file', (s) => ({ action: { type: 'custom', params: { file: s } } })],
      ['action.params.list.1', (s) => ({ action: { type: 'custom', params: { list: ['ok', s] } } })],
      ['blast_radius.resources.0', (s) => ({ blast_radius: { resources: [s] } })],
      ['reversibility.rollback_plan', (s) => ({ reversibility: { reversible: false, rollback_plan: s } })],
    ];
    for (const [field, place] of cases) {
      const text = JSON.stringify(dropTableProposal(place('MARK') as Record<string, unknown>)).replace('"MARK"', '"x\\udfff"');
      const res = await agent.call('POST', '/v1/proposals', text);
      expect(res.status, field).toBe(400);
      expect(res.body.errors[0].field, field).toBe(field);
    }
    const key = JSON.stringify(dropTableProposal({ action: { type: 'custom', params: { MARK: 1 } } })).replace('"MARK"', '"k\\ud83d"');
    const keyed = await agent.call('POST', '/v1/proposals', key);
    expect(keyed.status).toBe(400);
    expect(keyed.body.errors[0]).toEqual({ field: 'action.params."k\\ud83d"', message: expect.stringMatching(/^its name contains a lone UTF-16 surrogate/) });
    // A well-formed pair is text like any other.
    const pair = await agent.call('POST', '/v1/proposals', withRaw('what', '"Drop \\ud83d\\ude00"'));
    expect(pair.status).toBe(201);
  });

  it('refuses a lone surrogate or a NUL in a reason with a 400, and records no decision', async () => {
    const { body: p } = await agent.propose(dropTableProposal());
    const before = auditCount();
    for (const raw of ['"fine \\udc00"', '"fine \\u0000 really"']) {
      const res = await alice.call('POST', `/v1/proposals/${p.id}/approvals`, `{"reason":${raw}}`);
      expect(res.status).toBe(400);
      expect(res.body.errors).toHaveLength(1);
      expect(res.body.errors[0].field).toBe('reason');
    }
    expect(auditCount()).toBe(before);
    expect((await alice.get(`/v1/proposals/${p.id}`)).body.approvals).toEqual([]);
  });

  it.each([
    ['a zero-width space', '\u200b'],
    ['a right-to-left override', '\u202e'],
    ['a NUL', '\u0000'],
    ['zero-width joiners and a byte-order mark', '\u200c\u200d\ufeff'],
    ['line and paragraph separators', '\u2028\u2029'],
    ['a soft hyphen', '\u00ad'],
    ['a blank Braille pattern', '\u2800'],
    ['a Hangul filler', '\u3164'],
    ['a combining accent alone', '\u0301'],
    ['control characters', '\u0007\u001b\u007f'],
    ['tabs and newlines', '\t\r\n'],
  ])('refuses a reason made only of %s, for approvals and rejections', async (_name, reason) => {
    const { body: p } = await agent.propose(dropTableProposal());
    for (const route of ['approvals', 'rejections']) {
      const res = await alice.call('POST', `/v1/proposals/${p.id}/${route}`, { reason: ` ${reason} ` });
      expect(res.status).toBe(400);
      expect(res.body.errors).toHaveLength(1);
      expect(res.body.errors[0].field).toBe('reason');
    }
    expect((await alice.get(`/v1/proposals/${p.id}`)).body).toMatchObject({ status: 'pending', approvals: [], rejection: null });
  });

  it('refuses what and why made only of invisible characters, and takes a reason with visible text among them', async () => {
    const res = await agent.propose(dropTableProposal({ what: '\u200b\u200b', why: '\u202e' }));
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['what', 'why']);
    expect(res.body.errors[0].message).toMatch(/no visible characters/);
    const { body: p } = await agent.propose(dropTableProposal());
    expect((await alice.approve(p.id, '\u200bchecked the backup \u2714')).status).toBe(201);
    expect((await alice.get(`/v1/proposals/${p.id}`)).status).toBe(200);
  });
});

describe('names the audit log keeps for Countersign itself', () => {
  it('reserves every actor the log writes that is not an identity', async () => {
    // A riskless proposal (policy), a quorum, an expiry-free run: read the actors back from the log.
    const { body: p } = await agent.propose(dropTableProposal());
    const bob = api(t.url, await t.addIdentity('bob', 'human', ['approver']));
    await alice.approve(p.id, 'checked');
    await bob.approve(p.id, 'checked too');
    await agent.propose(readOnlyProposal());
    const db = new Database(t.dbFile, { readonly: true });
    const [actors, names] = [
      db.prepare('SELECT DISTINCT actor FROM audit_events').pluck().all() as string[],
      db.prepare('SELECT name FROM identities').pluck().all() as string[],
    ];
    db.close();
    const systemActors = actors.filter((a) => !names.includes(a) && a !== 'test');
    expect(systemActors.length).toBeGreaterThanOrEqual(3);
    for (const actor of systemActors) expect(RESERVED_ACTOR_NAMES).toContain(actor);
    expect([...RESERVED_ACTOR_NAMES].sort()).toEqual(['bootstrap', 'cli', 'policy', 'quorum', 'system']);
  });

  it.each([...RESERVED_ACTOR_NAMES])('refuses an identity named "%s" over HTTP with a 400 naming the field', async (name) => {
    const http = await api(t.url, t.adminToken).post('/v1/identities', { name, kind: 'human', roles: [] });
    expect(http.status).toBe(400);
    expect(http.body.errors).toEqual([{ field: 'name', message: expect.stringContaining(`"${name}" is reserved`) }]);
  });

  it('refuses "system" and "quorum" from `countersign identity add` with exit 2 and one line', async () => {
    for (const name of ['system', 'quorum']) {
      const cli = await runCli(['identity', 'add', name, '--kind', 'human', '--db', t.dbFile]);
      expect(cli.code).toBe(2);
      expect(cli.stderr.trim().split('\n')).toHaveLength(1);
      expect(cli.stderr).toMatch(new RegExp(`^countersign: name: "${name}" is reserved: the audit log uses it for Countersign itself`));
    }
    const db = new Database(t.dbFile, { readonly: true });
    expect(db.prepare("SELECT count(*) FROM identities WHERE name IN ('system', 'quorum')").pluck().get()).toBe(0);
    db.close();
  });
});

describe('long-poll bounds', () => {
  it('refuses a wait beyond 300 seconds with a 400 naming the allowed range', async () => {
    const { body: p } = await agent.propose(dropTableProposal());
    for (const wait of ['99999', '300.5', '-1', 'Infinity']) {
      const res = await agent.get(`/v1/proposals/${p.id}/decision?wait=${wait}`);
      expect(res.status, wait).toBe(400);
      expect(res.body.errors, wait).toEqual([{ field: 'wait', message: 'must be a number of seconds from 0 to 300; ask again to wait longer' }]);
    }
    expect((await agent.get(`/v1/proposals/${p.id}/decision?wait=0`)).status).toBe(200);
  });
});

describe('text in the URL', () => {
  it('refuses a NUL or a lone surrogate in a path or query parameter with a 400 naming it', async () => {
    const cases: [string, string, string][] = [
      ['GET', '/v1/proposals/x%00y', 'id'],
      ['GET', '/v1/proposals/x%00y/decision?wait=1', 'id'],
      ['POST', '/v1/proposals/x%00y/approvals', 'id'],
      ['GET', '/v1/audit/proposals/x%00y', 'id'],
      ['GET', '/v1/notifications/deliveries?proposal_id=x%00y', 'proposal_id'],
    ];
    const admin = api(t.url, t.adminToken);
    for (const [method, path, field] of cases) {
      const res = await admin.call(method, path, method === 'POST' ? { reason: 'ok' } : undefined);
      expect(res.status, path).toBe(400);
      expect(res.body.errors, path).toEqual([{ field, message: expect.stringMatching(/NUL character/) }]);
    }
    // Still 401 first for a caller without a token.
    expect((await api(t.url).get('/v1/proposals/x%00y')).status).toBe(401);
  });
});

/** The same attacks where they once reached the database as a 5xx: PostgreSQL cannot store or look up a NUL. */
describe.skipIf(!TEST_PG_URL)(needsPostgres('hostile text on PostgreSQL'), () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let server: RunningServer;
  let admin: ReturnType<typeof api>;
  let proposer: ReturnType<typeof api>;

  beforeAll(async () => {
    db = await freshDatabase(TEST_PG_URL!);
    server = await serve({ store: { db: '', databaseUrl: db.url }, host: '127.0.0.1', port: 0, policy: parsePolicy('{}'), say: () => {}, checkpointKeyFile: join(tempDir(), 'key'), env: {} });
    const identities = createIdentityService({ store: server.store, clock: Date.now });
    admin = api(server.url, (await identities.add({ name: 'ada', kind: 'human', roles: ['approver', 'auditor', 'admin'] }, 'test')).token);
    proposer = api(server.url, (await identities.add({ name: 'agent-1', kind: 'agent', roles: ['proposer'] }, 'test')).token);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('answers 400, never 5xx, for a NUL in a reason, in why, or in a proposal id', async () => {
    const { body: p } = await proposer.propose(dropTableProposal());
    expect((await admin.approve(p.id, 'fine \u0000 by me')).status).toBe(400);
    expect((await proposer.propose(dropTableProposal({ why: 'because \u0000' }))).status).toBe(400);
    expect((await admin.get('/v1/proposals/x%00y')).status).toBe(400);
    expect((await admin.get('/v1/audit/proposals/x%00y')).status).toBe(400);
    expect((await admin.get('/v1/proposals')).status).toBe(200);
  });
});
