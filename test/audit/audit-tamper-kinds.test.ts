import { randomInt } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSigner } from '../../src/audit/checkpoint-key-file.js';
import { type Checkpoint, openCheckpoint } from '../../src/audit/checkpoint.js';
import { generateNoteKey, type NoteSigner, parseSigner } from '../../src/audit/note-key.js';
import { verifyLog } from '../../src/service/audit-service.js';
import { createCheckpointer } from '../../src/service/checkpointer.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { api, dropTableProposal, startTestServer, tempDir, type TestServer } from '../support/harness.js';
import { cutTail, forgeLog, withDb } from './tamper-kit.js';

let t: TestServer;
let signer: NoteSigner;
let witnessed: Checkpoint;
let size: number;
const forger = parseSigner(generateNoteKey('countersign-forger'));
// Each trial copies and opens a database: on tmpfs when there is one, so 1,000 trials stay quick.
const dir = existsSync('/dev/shm') ? mkdtempSync('/dev/shm/countersign-tamper-') : tempDir();

/** A log with proposals, approvals, refusals and a claim; then a witness saves its checkpoint. */
beforeAll(async () => {
  t = await startTestServer();
  const agent = api(t.url, await t.addIdentity('agent-1', 'agent', ['proposer']));
  const alice = api(t.url, await t.addIdentity('alice', 'human', ['approver']));
  const bob = api(t.url, await t.addIdentity('bob', 'human', ['approver']));
  for (let i = 0; i < 6; i++) {
    const p = (await agent.propose(dropTableProposal())).body;
    await alice.approve(p.id, `reviewed change ${i}`);
    await alice.approve(p.id);
    await bob.approve(p.id, `second look ${i}`);
    if (i % 2 === 0) await agent.claim(p.id, p.action_hash);
  }
  await t.server.close();
  signer = loadSigner(`${t.dbFile}.checkpoint-key`);
  const store = openSqliteStore(t.dbFile);
  try {
    const checkpoints = createCheckpointer({ store, signer, clock: Date.now });
    const saved = await checkpoints.coverNow();
    await checkpoints.stored();
    witnessed = openCheckpoint(saved!.note, signer);
    size = await store.auditTreeSize();
  } finally {
    await store.close();
  }
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

let pristine: string;

let copies = 0;
/** A fresh copy of the untouched database for one attack. */
function copy(): string {
  if (!pristine) {
    // One consistent snapshot (WAL folded in); each attack starts from a plain file copy of it.
    pristine = join(dir, 'pristine.db');
    const db = new Database(t.dbFile, { readonly: true });
    db.exec(`VACUUM INTO '${pristine}'`);
    db.close();
  }
  const file = join(dir, `copy-${copies++}.db`);
  copyFileSync(pristine, file);
  return file;
}

async function verify(file: string, options: { key?: boolean; witness?: boolean } = { key: true, witness: true }) {
  const store = openSqliteStore(file);
  try {
    return await verifyLog(store, { verifier: options.key ? signer : undefined, witnessed: options.witness ? witnessed : undefined });
  } finally {
    await store.close();
  }
}

describe('every kind of tampering is caught', () => {
  it('verifies the untouched log against the saved checkpoint', async () => {
    expect(size).toBeGreaterThan(30);
    expect(await verify(copy())).toMatchObject({ ok: true, events: size, checkpoint: { tree_size: size, witnessed: true } });
  });

  it('catches one edited byte and names its seq', async () => {
    const file = copy();
    const seq = withDb(file, (db) => {
      const { seq } = db.prepare("SELECT seq FROM audit_events WHERE actor = 'alice' AND seq > 5 LIMIT 1").get() as { seq: number };
      db.prepare("UPDATE audit_events SET actor = 'alicf' WHERE seq = ?").run(seq);
      return seq;
    });
    expect(await verify(file, {})).toMatchObject({ ok: false, first_bad_seq: seq });
  });

  it('catches a deleted middle event and names it', async () => {
    const file = copy();
    withDb(file, (db) => db.prepare('DELETE FROM audit_events WHERE seq = 20').run());
    expect(await verify(file, {})).toMatchObject({ ok: false, first_bad_seq: 20 });
  });

  it('catches two reordered events', async () => {
    const file = copy();
    withDb(file, (db) =>
      db.transaction(() => {
        db.prepare('UPDATE audit_events SET seq = -1 WHERE seq = 11').run();
        db.prepare('UPDATE audit_events SET seq = 11 WHERE seq = 12').run();
        db.prepare('UPDATE audit_events SET seq = 12 WHERE seq = -1').run();
      })(),
    );
    expect(await verify(file, {})).toMatchObject({ ok: false, first_bad_seq: 11 });
  });

  it('catches a deleted tail with the saved checkpoint (without it, the shorter log looks whole)', async () => {
    const file = copy();
    withDb(file, (db) => cutTail(db, 3));
    expect(await verify(file, { key: true })).toMatchObject({ ok: true, events: size - 3 });
    expect(await verify(file)).toMatchObject({
      ok: false,
      first_bad_seq: size - 2,
      problem: expect.stringMatching(/witnessed checkpoint covers .*were removed/),
    });
  });

  it('catches a wholly recomputed forgery by its checkpoint signature and by the saved checkpoint', async () => {
    const file = copy();
    withDb(file, (db) => forgeLog(db, (events) => events.map((e) => (e.seq === 10 ? { ...e, reason: 'approved after careful review' } : e)), forger));
    // Self-consistent: hashes, links and Merkle tree all check out.
    expect(await verify(file, {})).toMatchObject({ ok: true, events: size });
    expect(await verify(file, { key: true })).toMatchObject({ ok: false, problem: expect.stringMatching(/not signed by/) });
    expect(await verify(file, { witness: true })).toMatchObject({ ok: false, problem: expect.stringMatching(/differ from the witnessed checkpoint/) });
  });

  it('catches a forgery that keeps the genuine signed checkpoint', async () => {
    const file = copy();
    const genuine = withDb(copy(), (db) => db.prepare('SELECT * FROM checkpoints ORDER BY tree_size DESC LIMIT 1').get()) as Record<string, unknown>;
    withDb(file, (db) => {
      forgeLog(db, (events) => events.map((e) => (e.seq === 3 ? { ...e, actor: 'mallory' } : e)), forger);
      db.exec('DELETE FROM checkpoints');
      db.prepare('INSERT INTO checkpoints (tree_size, root_hash, note, signed_at) VALUES (@tree_size, @root_hash, @note, @signed_at)').run(genuine);
    });
    expect(await verify(file, { key: true })).toMatchObject({ ok: false, problem: expect.stringMatching(/differ from the signed checkpoint/) });
  });

  it('detects 1,000 random tamperings out of 1,000', async () => {
    const kinds = ['edit', 'delete', 'tail', 'swap', 'forge', 'forge-drop', 'forge-insert'] as const;
    const pick = <T>(items: readonly T[]) => items[randomInt(items.length)]!;
    const tally: Record<string, { tried: number; caught: number }> = {};
    for (let trial = 0; trial < 1000; trial++) {
      const kind = pick(kinds);
      const file = copy();
      withDb(file, (db) => tamper(db, kind));
      const caught = await verify(file).then((r) => !r.ok, () => true);
      rmSync(file);
      rmSync(`${file}-wal`, { force: true });
      rmSync(`${file}-shm`, { force: true });
      tally[kind] ??= { tried: 0, caught: 0 };
      tally[kind].tried++;
      if (caught) tally[kind].caught++;
    }
    const caught = Object.values(tally).reduce((n, k) => n + k.caught, 0);
    console.log(`tamper detection: ${caught}/1000 = ${(caught / 10).toFixed(1)} %`, JSON.stringify(tally));
    expect(caught).toBe(1000);
  }, 300_000);
});

/** One random attack of `kind` on the log. */
function tamper(db: Database.Database, kind: string): void {
  const n = size;
  const seq = 1 + randomInt(n);
  switch (kind) {
    case 'edit': {
      const row = db.prepare('SELECT * FROM audit_events WHERE seq = ?').get(seq) as Record<string, string | null>;
      const column = ['at', 'type', 'actor', 'reason', 'prev_hash', 'hash'][randomInt(6)]!;
      const value = row[column] ?? '';
      const at = randomInt(Math.max(1, value.length));
      const changed = value.length === 0 ? 'x' : value.slice(0, at) + (value[at] === 'a' ? 'b' : 'a') + value.slice(at + 1);
      db.prepare(`UPDATE audit_events SET ${column} = ? WHERE seq = ?`).run(changed, seq);
      return;
    }
    case 'delete':
      db.prepare('DELETE FROM audit_events WHERE seq = ?').run(Math.min(seq, n - 1));
      return;
    case 'tail':
      cutTail(db, 1 + randomInt(5));
      return;
    case 'swap': {
      const other = seq === n ? seq - 1 : seq + 1 + randomInt(n - seq);
      db.transaction(() => {
        db.prepare('UPDATE audit_events SET seq = -1 WHERE seq = ?').run(seq);
        db.prepare('UPDATE audit_events SET seq = ? WHERE seq = ?').run(seq, other);
        db.prepare('UPDATE audit_events SET seq = ? WHERE seq = -1').run(other);
      })();
      return;
    }
    case 'forge':
      return forgeLog(db, (events) => events.map((e) => (e.seq === seq ? { ...e, reason: `${e.reason ?? ''} (amended)` } : e)), forger);
    case 'forge-drop':
      return forgeLog(db, (events) => events.filter((e) => e.seq !== seq), forger);
    case 'forge-insert':
      return forgeLog(db, (events) => [...events.slice(0, seq), { ...events[seq - 1]!, actor: 'mallory' }, ...events.slice(seq)], forger);
  }
}
