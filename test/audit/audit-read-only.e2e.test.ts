import { execFile } from 'node:child_process';
import { chmodSync, chownSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateSigner } from '../../src/audit/checkpoint-key-file.js';
import { decide } from '../../src/domain/decide.js';
import { createCheckpointer } from '../../src/service/checkpointer.js';
import { clientConfig } from '../../src/store/postgres/pg-pool.js';
import { openPostgresStore } from '../../src/store/postgres/pg-store.js';
import { claimedDropTable, dropTableProposal, startTestServer, tempDir, type TestServer } from '../support/harness.js';
import { admin, freshDatabase, TEST_PG_URL, uniqueName } from '../support/postgres.js';
import { CLI, type CliResult } from '../support/run-cli.js';
import { newProposal, person, T0 } from '../store/store-fixtures.js';

/**
 * The auditor commands only read: run on a database they cannot write (a
 * file they may only read, a PostgreSQL role with SELECT only), they succeed
 * and leave it exactly as it was.
 */

// Root may write any file: as root, the commands run as `nobody`, for whom a 0444 file is read-only.
const asAuditor = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};

// Each command is a process of its own: on two busy cores, a few seconds each.
const COMMANDS_MS = 300_000;

const runAs = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> =>
  new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { ...asAuditor, env: { ...process.env, ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });

/** Every auditor command that reads the database, with the options it needs. */
const auditorCommands = (id: string, out: string) => [
  ['audit', 'verify', '--json'],
  ['audit', 'chain', id, '--json'],
  ['audit', 'chain', id, '--verify', '--json'],
  ['audit', 'export', '--format', 'jsonl'],
  ['audit', 'export', '--format', 'csv'],
  ['audit', 'checkpoint', '--out', join(out, 'now.checkpoint'), '--json'],
  ['audit', 'public-key'],
  ['audit', 'report', '--from', '2000-01-01', '--to', '2100-01-01', '--out', join(out, 'report'), '--json'],
];

describe('auditor commands on a SQLite file they may only read', () => {
  let t: TestServer;
  let id: string;
  let keyFile: string;

  beforeAll(async () => {
    t = await startTestServer();
    const { agent, p, claim } = await claimedDropTable(t);
    expect(claim.status).toBe(200);
    // The log grows past the stored checkpoint: `audit checkpoint` used to sign and store a new one.
    await agent.propose(dropTableProposal());
    await t.server.close();
    id = p.id;
    keyFile = `${t.dbFile}.checkpoint-key`;
    chmodSync(dirname(t.dbFile), 0o777);
    chmodSync(t.dbFile, 0o444);
    if (asAuditor.uid !== undefined) chownSync(keyFile, asAuditor.uid, asAuditor.gid);
  }, COMMANDS_MS);
  afterAll(() => t.close());

  it('succeeds at every command and leaves the file byte for byte, with no checkpoint stored', async () => {
    const before = { bytes: readFileSync(t.dbFile), mtime: statSync(t.dbFile).mtimeMs };
    const stored = () => {
      const db = new Database(t.dbFile, { readonly: true });
      try {
        return db.prepare('SELECT max(tree_size) AS size FROM checkpoints').get() as { size: number };
      } finally {
        db.close();
      }
    };
    const storedBefore = stored().size;
    const results = [];
    for (const args of auditorCommands(id, dirname(t.dbFile))) results.push({ args: args.join(' '), ...(await runAs([...args, '--db', t.dbFile])) });
    for (const r of results) expect(r, r.args).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(results[0]!.stdout)).toMatchObject({ ok: true, checkpoint: { witnessed: false } });
    expect(JSON.parse(results[2]!.stdout).verification).toMatchObject({ ok: true });
    // Signed now, in memory: it covers the whole log, beyond the newest stored checkpoint.
    const now = JSON.parse(results[5]!.stdout) as { tree_size: number };
    expect(now.tree_size).toBeGreaterThan(storedBefore);
    expect(now.tree_size).toBe(JSON.parse(results[0]!.stdout).events);
    expect(stored().size).toBe(storedBefore);
    expect(readFileSync(t.dbFile).equals(before.bytes)).toBe(true);
    expect(statSync(t.dbFile).mtimeMs).toBe(before.mtime);
  }, COMMANDS_MS);

  it('refuses a file that does not exist, or is no Countersign database, in one line with exit 2, creating nothing', async () => {
    const missing = join(dirname(t.dbFile), 'missing.db');
    const result = await runAs(['audit', 'verify', '--db', missing]);
    expect(result).toMatchObject({ code: 2, stderr: `countersign: cannot open database "${missing}": no such file\n` });
    expect(() => statSync(missing)).toThrow();
    const other = join(tempDir(), 'other.db');
    new Database(other).exec('CREATE TABLE notes (text TEXT)');
    chmodSync(dirname(other), 0o777);
    expect(await runAs(['audit', 'export', '--db', other])).toMatchObject({ code: 2, stderr: expect.stringMatching(/not a Countersign database/) });
  }, COMMANDS_MS);
});

describe.skipIf(!TEST_PG_URL)('auditor commands on PostgreSQL as a role with SELECT only', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let auditorUrl: string;
  let id: string;
  let keyFile: string;
  const role = uniqueName('cs_auditor');
  const counts = () =>
    admin(db.url, async (c) => (await c.query('SELECT (SELECT count(*) FROM audit_events) AS events, (SELECT count(*) FROM merkle_nodes) AS nodes, (SELECT count(*) FROM checkpoints) AS checkpoints')).rows[0]);

  beforeAll(async () => {
    db = await freshDatabase(TEST_PG_URL!);
    keyFile = join(tempDir(), 'countersign.checkpoint-key');
    const { signer } = loadOrCreateSigner(keyFile);
    chmodSync(dirname(keyFile), 0o755);
    if (asAuditor.uid !== undefined) chownSync(keyFile, asAuditor.uid, asAuditor.gid);
    const store = await openPostgresStore({ url: db.url });
    try {
      const { proposal, events } = newProposal();
      await store.insertProposal(proposal, events);
      for (const name of ['alice', 'bob']) await store.updateProposal(proposal.id, (p) => decide(p, { verdict: 'approve', actor: person(name), reason: 'ok', now: T0 + 1000 }));
      const checkpoints = createCheckpointer({ store, signer, clock: Date.now });
      await checkpoints.coverNow();
      await checkpoints.stored();
      const later = newProposal();
      await store.insertProposal(later.proposal, later.events);
      id = proposal.id;
    } finally {
      await store.close();
    }
    await admin(db.url, async (c) => {
      await c.query(`CREATE ROLE ${role} LOGIN`);
      await c.query(`GRANT USAGE ON SCHEMA public TO ${role}`);
      await c.query(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${role}`);
    });
    const url = new URL(db.url);
    url.username = role;
    auditorUrl = url.toString();
  }, 60_000);

  afterAll(async () => {
    await db?.drop();
    await admin(TEST_PG_URL!, (c) => c.query(`DROP ROLE IF EXISTS ${role}`));
  });

  it('succeeds at every command and writes no row', async () => {
    const before = await counts();
    const out = tempDir();
    chmodSync(out, 0o777);
    for (const args of auditorCommands(id, out)) {
      const result = await runAs([...args, '--database-url', auditorUrl], { COUNTERSIGN_CHECKPOINT_KEY_FILE: keyFile });
      expect(result, args.join(' ')).toMatchObject({ code: 0, stderr: '' });
    }
    expect(await counts()).toEqual(before);
  }, COMMANDS_MS);

  it('opens sessions that refuse writes even to the database owner', async () => {
    const client = new pg.Client(clientConfig({ url: db.url, readOnly: true }));
    await client.connect();
    try {
      await expect(client.query("INSERT INTO checkpoints (tree_size, root_hash, note, signed_at) VALUES (99, 'x', 'x', 'x')")).rejects.toThrow(/read-only transaction/);
    } finally {
      await client.end();
    }
  });
});
