import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/audit/canonical-json.js';
import { verifyLog } from '../../src/service/audit-service.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { tempDir } from '../support/harness.js';
import { newProposal } from '../store/store-fixtures.js';
import { withDb } from './tamper-kit.js';

// Verification hashes a row's stored data text as it is when that reproduces
// the hash, and parses and canonicalises it otherwise: both ways must agree.
let file: string;
beforeEach(async () => {
  file = join(tempDir(), 'countersign.db');
  const store = openSqliteStore(file);
  for (let i = 0; i < 4; i++) {
    const { proposal, events } = newProposal();
    await store.insertProposal(proposal, events);
  }
  await store.appendAuditEvents([{ at: '2026-11-25T09:00:00.000Z', type: 'policy.loaded', proposal_id: null, actor: 'cli', reason: null, data: { z: [1, 2.5, 'é'], a: { y: null, b: 'quote " and \\' } } }]);
  await store.close();
});

async function verify() {
  const store = openSqliteStore(file);
  try {
    return await verifyLog(store);
  } finally {
    await store.close();
  }
}

const rewriteData = (edit: (data: Record<string, unknown>, seq: number) => string) =>
  withDb(file, (db) => {
    for (const { seq, data } of db.prepare('SELECT seq, data FROM audit_events').all() as { seq: number; data: string }[]) {
      db.prepare('UPDATE audit_events SET data = ? WHERE seq = ?').run(edit(JSON.parse(data), seq), seq);
    }
  });

describe('verifying the data column as stored', () => {
  it('verifies data stored canonically', async () => {
    withDb(file, (db) => {
      for (const { data } of db.prepare('SELECT data FROM audit_events').all() as { data: string }[]) expect(data).toBe(canonicalJson(JSON.parse(data)));
    });
    expect(await verify()).toEqual({ ok: true, events: 5 });
  });

  it('verifies the same data stored in another key order with spaces, as older versions wrote it', async () => {
    rewriteData((data) => JSON.stringify(Object.fromEntries(Object.entries(data).reverse()), null, 2));
    expect(await verify()).toEqual({ ok: true, events: 5 });
  });

  it('names the event whose data was changed in canonical form', async () => {
    rewriteData((data, seq) => canonicalJson(seq === 3 ? { ...data, what: 'Drop the users table, keep a backup' } : data));
    expect(await verify()).toMatchObject({ ok: false, first_bad_seq: 3, problem: 'event 3 was altered (its content does not match its hash)' });
  });

  it('names the event whose data was changed in another form', async () => {
    rewriteData((data, seq) => JSON.stringify(seq === 5 ? { ...data, a: 'changed' } : data, null, 1));
    expect(await verify()).toMatchObject({ ok: false, first_bad_seq: 5 });
  });
});
