import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimedDropTable, dropTableProposal, startTestServer, type TestServer } from '../support/harness.js';
import { runCli } from '../support/run-cli.js';
import { cutTail, withDb } from './tamper-kit.js';

/**
 * `audit checkpoint --out FILE` records the head of the log as it is now,
 * verified first: with the key at hand signed, without it as the auditor's
 * own observation. Either way, a tail cut afterwards is caught.
 */
let t: TestServer;
let size: number;
let lastSigned: number;
let copies = 0;

beforeAll(async () => {
  t = await startTestServer();
  const { agent, alice, claim } = await claimedDropTable(t);
  expect(claim.status).toBe(200); // the server signs a checkpoint here
  // More events after the newest signed checkpoint: only a checkpoint of the head covers them.
  const q = (await agent.propose(dropTableProposal({ what: 'later' }))).body;
  await alice.approve(q.id, 'later look');
  await t.server.close();
  const db = new Database(t.dbFile);
  db.pragma('wal_checkpoint(TRUNCATE)');
  size = db.prepare('SELECT max(seq) FROM audit_events').pluck().get() as number;
  lastSigned = db.prepare('SELECT max(tree_size) FROM checkpoints').pluck().get() as number;
  db.close();
  expect(lastSigned).toBeLessThan(size - 1);
});
afterAll(() => t.close());

/** A copy of the log with its key file (or without one: no key at hand). */
function copy(withKey: boolean): string {
  const file = join(t.dbFile, '..', `copy-${copies++}.db`);
  copyFileSync(t.dbFile, file);
  if (withKey) copyFileSync(`${t.dbFile}.checkpoint-key`, `${file}.checkpoint-key`);
  return file;
}

const run = (db: string, args: string[]) => runCli([...args, '--db', db]);
const checkpointsIn = (db: string) => withDb(db, (d) => d.prepare('SELECT count(*) FROM checkpoints').pluck().get() as number);

describe('audit checkpoint --out', () => {
  it('without the key, records the verified head unsigned, and verify --checkpoint then catches a tail cut after it', async () => {
    const db = copy(false);
    const file = join(db, '..', 'observed.checkpoint');
    const saved = await run(db, ['audit', 'checkpoint', '--out', file, '--json']);
    expect(saved.code).toBe(0);
    expect(JSON.parse(saved.stdout)).toMatchObject({ tree_size: size, signed: false });
    const note = readFileSync(file, 'utf8');
    expect(note).toMatch(new RegExp(`^countersign-[0-9a-f]{8}\\n${size}\\n[A-Za-z0-9+/]{43}=\\n$`));

    const intact = await run(db, ['audit', 'verify', '--checkpoint', file, '--json']);
    expect(intact.code).toBe(0);
    expect(JSON.parse(intact.stdout)).toMatchObject({ ok: true, events: size, checkpoint: { tree_size: size, witnessed: true, signed: false } });

    // Cut only events no signed checkpoint covers: without the observation, the shorter log looks whole.
    withDb(db, (d) => cutTail(d, size - lastSigned - 1));
    const plain = await run(db, ['audit', 'verify', '--json']);
    expect(JSON.parse(plain.stdout)).toMatchObject({ ok: true, events: lastSigned + 1 });
    const caught = await run(db, ['audit', 'verify', '--checkpoint', file]);
    expect(caught.code).toBe(1);
    expect(caught.stdout.trim()).toBe(
      `TAMPERED: first bad seq ${lastSigned + 2}: the log has ${lastSigned + 1} events but the witnessed checkpoint covers ${size}: events ${lastSigned + 2}..${size} were removed`,
    );
  });

  it('with the key at hand, signs the verified head without writing to the database, and catches a tail cut', async () => {
    const db = copy(true);
    const file = join(db, '..', 'signed.checkpoint');
    const before = checkpointsIn(db);
    const saved = await run(db, ['audit', 'checkpoint', '--out', file]);
    expect(saved.code).toBe(0);
    expect(saved.stdout).toMatch(new RegExp(`^Verified ${size} events and wrote the checkpoint signed by countersign-[0-9a-f]{8} of them`));
    expect(readFileSync(file, 'utf8')).toMatch(new RegExp(`^countersign-[0-9a-f]{8}\\n${size}\\n\\S+\\n\\n\\u2014 countersign-[0-9a-f]{8} \\S+\\n$`));
    expect(checkpointsIn(db)).toBe(before);

    withDb(db, (d) => cutTail(d, 1));
    const caught = await run(db, ['audit', 'verify', '--checkpoint', file, '--json']);
    expect(caught.code).toBe(1);
    expect(JSON.parse(caught.stdout)).toMatchObject({ ok: false, first_bad_seq: size, problem: expect.stringContaining(`events ${size}..${size} were removed`) });
  });

  it('refuses to record a log that does not verify, and writes no file', async () => {
    const db = copy(false);
    const file = join(db, '..', 'never.checkpoint');
    withDb(db, (d) => d.prepare("UPDATE audit_events SET reason = 'looks fine' WHERE seq = 3").run());
    const refused = await run(db, ['audit', 'checkpoint', '--out', file]);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toMatch(/^countersign: not recording a tampered log: first bad seq 3: /);
    expect(existsSync(file)).toBe(false);
  });

  it('refuses a missing or garbled checkpoint file with exit 2 and one line', async () => {
    const db = copy(false);
    const missing = await run(db, ['audit', 'verify', '--checkpoint', join(db, '..', 'no-such.checkpoint')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toMatch(/^countersign: cannot read .*no-such\.checkpoint: there is no such file or folder; check the path/);
    const garbled = join(db, '..', 'garbled.checkpoint');
    writeFileSync(garbled, 'countersign-00000000\nlots\nAAAA\n');
    const refused = await run(db, ['audit', 'verify', '--checkpoint', garbled]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/garbled\.checkpoint: not a checkpoint: want origin, tree size and base64 root hash lines/);
  });
});
