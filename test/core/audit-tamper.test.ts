import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyLog } from '../../src/service/audit-service.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { api, dropTableProposal, startTestServer, type TestServer } from '../support/harness.js';

let t: TestServer;

/** A log with a few proposals, approvals and refusals in it. */
beforeEach(async () => {
  t = await startTestServer();
  const agent = api(t.url, await t.addIdentity('agent-1', 'agent', ['proposer'], undefined));
  const alice = api(t.url, await t.addIdentity('alice', 'human', ['approver']));
  const bob = api(t.url, await t.addIdentity('bob', 'human', ['approver']));
  for (let i = 0; i < 3; i++) {
    const p = (await agent.propose(dropTableProposal())).body;
    await alice.approve(p.id);
    await alice.approve(p.id);
    await bob.approve(p.id);
  }
  await t.server.close();
});
afterEach(() => t.close().catch(() => {}));

const withDb = <T>(use: (db: Database.Database) => T): T => {
  const db = new Database(t.dbFile);
  try {
    return use(db);
  } finally {
    db.close();
  }
};

async function verify() {
  const store = openSqliteStore(t.dbFile);
  try {
    return await verifyLog(store);
  } finally {
    await store.close();
  }
}

const dropTriggers = (db: Database.Database) => db.exec('DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;');

describe('audit log tampering', () => {
  it('verifies an untouched log', async () => {
    const result = await verify();
    expect(result.ok).toBe(true);
    expect(result.events).toBe(withDb((db) => (db.prepare('SELECT count(*) AS n FROM audit_events').get() as { n: number }).n));
  });

  it('refuses UPDATE and DELETE of audit events through raw SQL', () => {
    withDb((db) => {
      expect(() => db.prepare("UPDATE audit_events SET reason = 'fine' WHERE seq = 5").run()).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM audit_events WHERE seq = 5').run()).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM audit_events').run()).toThrow(/append-only/);
    });
  });

  it('names the edited event when the triggers are dropped and a reason is changed', async () => {
    withDb((db) => {
      dropTriggers(db);
      db.prepare("UPDATE audit_events SET reason = 'approved after careful review' WHERE seq = 8").run();
    });
    expect(await verify()).toMatchObject({ ok: false, first_bad_seq: 8 });
  });

  it('names the first missing event when one is deleted from the middle', async () => {
    withDb((db) => {
      dropTriggers(db);
      db.prepare('DELETE FROM audit_events WHERE seq = 6').run();
    });
    expect(await verify()).toMatchObject({ ok: false, first_bad_seq: 6 });
  });

  it('names the first swapped event when two events trade places', async () => {
    withDb((db) => {
      dropTriggers(db);
      db.transaction(() => {
        db.prepare('UPDATE audit_events SET seq = -1 WHERE seq = 7').run();
        db.prepare('UPDATE audit_events SET seq = 7 WHERE seq = 9').run();
        db.prepare('UPDATE audit_events SET seq = 9 WHERE seq = -1').run();
      })();
    });
    expect(await verify()).toMatchObject({ ok: false, first_bad_seq: 7 });
  });

  it('catches an edit whose hash was recomputed, at the next link', async () => {
    const { hashEvent } = await import('../../src/audit/hash-chain.js');
    withDb((db) => {
      dropTriggers(db);
      const row = db.prepare('SELECT * FROM audit_events WHERE seq = 8').get() as Record<string, unknown>;
      const forged = { ...row, reason: 'forged', data: JSON.parse(row.data as string) } as Parameters<typeof hashEvent>[0];
      db.prepare('UPDATE audit_events SET reason = ?, hash = ? WHERE seq = 8').run('forged', hashEvent(forged));
    });
    expect(await verify()).toMatchObject({ ok: false, first_bad_seq: 9 });
  });

  it('exits 1 from `countersign audit verify` on a tampered log and names the seq in JSON', () => {
    withDb((db) => {
      dropTriggers(db);
      db.prepare("UPDATE audit_events SET actor = 'mallory' WHERE seq = 10").run();
    });
    let stdout = '';
    let status = 0;
    try {
      execFileSync(process.execPath, [join(import.meta.dirname, '../../bin/countersign.js'), 'audit', 'verify', '--db', t.dbFile, '--json'], { encoding: 'utf8' });
    } catch (error) {
      ({ stdout, status } = error as { stdout: string; status: number });
    }
    expect(status).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ ok: false, first_bad_seq: 10 });
  });
});
