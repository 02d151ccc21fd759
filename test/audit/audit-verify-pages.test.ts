import { randomInt } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { canonicalJson } from '../../src/audit/canonical-json.js';
import { type Checkpoint, openCheckpoint } from '../../src/audit/checkpoint.js';
import { ChainVerifier } from '../../src/audit/hash-chain.js';
import { generateNoteKey, parseSigner } from '../../src/audit/note-key.js';
import { allEvents, verifyLog } from '../../src/service/audit-service.js';
import { createCheckpointer } from '../../src/service/checkpointer.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { tempDir } from '../support/harness.js';
import { newProposal } from '../store/store-fixtures.js';
import { cutTail, forgeLog, withDb } from './tamper-kit.js';

// Pages of 4 events, with a worker thread from the start: page edges, spans
// cut by checkpoints and the worker all get exercised.
const SMALL_PAGES = { size: 4, parallelFrom: 0 };
const ONE_THREAD = { size: 5000, parallelFrom: Infinity };

/**
 * The store, its reads on this thread slowed by `ms`: the worker, which reads
 * through its own connection, takes the pages this thread does not reach
 * before it has started (~40 ms compiled; run from source, as here, it first
 * registers tsx: up to a second or two on a busy machine). `reads` counts
 * this thread's reads.
 */
function slowed(store: Store, ms: number) {
  const counted = { reads: 0, store };
  counted.store = {
    ...store,
    auditRowsAfter: async (seq, limit) => {
      counted.reads++;
      await new Promise((resolve) => setTimeout(resolve, ms));
      return store.auditRowsAfter(seq, limit);
    },
  };
  return counted;
}

/**
 * The store, its reads on this thread held until the worker thread has taken
 * a page (the worker's row source marks a file when it reads): however slowly
 * the worker starts, it checks part of the log. `reads` counts this thread's reads.
 */
function untilWorkerReads(store: Store) {
  const source = store.auditRowSource()!;
  const marker = join(dir, `worker-read-${copies}.mark`);
  const spy = new URL('./row-source-spy.mjs', import.meta.url);
  spy.searchParams.set('inner', source.module);
  spy.searchParams.set('marker', marker);
  const counted = { reads: 0, store };
  counted.store = {
    ...store,
    auditRowSource: () => ({ module: spy.href, options: source.options }),
    auditRowsAfter: async (seq, limit) => {
      counted.reads++;
      await vi.waitFor(() => expect(existsSync(marker)).toBe(true), { timeout: 30_000, interval: 10 });
      return store.auditRowsAfter(seq, limit);
    },
  };
  return counted;
}

const signer = parseSigner(generateNoteKey('countersign-pages'));
const forger = parseSigner(generateNoteKey('countersign-forger'));
const dir = existsSync('/dev/shm') ? mkdtempSync('/dev/shm/countersign-pages-') : tempDir();
const pristine = join(dir, 'pristine.db');
let witnessed: Checkpoint;
let size: number;

/** 29 events, a checkpoint witnessed at 13 of them (inside a page), and the newest signed at 29. */
beforeAll(async () => {
  const store = openSqliteStore(pristine);
  try {
    const checkpoints = createCheckpointer({ store, signer, clock: Date.now });
    for (let i = 0; i < 29; i++) {
      const { proposal, events } = newProposal();
      await store.insertProposal(proposal, events);
      if (i === 12) witnessed = openCheckpoint((await checkpoints.coverNow())!.note, signer);
    }
    await checkpoints.coverNow();
    await checkpoints.stored();
    size = await store.auditTreeSize();
  } finally {
    await store.close();
  }
  withDb(pristine, (db) => db.pragma('wal_checkpoint(TRUNCATE)'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let copies = 0;
async function onCopy<T>(tamper: (db: Database.Database) => void, use: (store: Store) => Promise<T>): Promise<T> {
  const file = join(dir, `copy-${copies++}.db`);
  copyFileSync(pristine, file);
  withDb(file, tamper);
  const store = openSqliteStore(file);
  try {
    return await use(store);
  } finally {
    await store.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
  }
}

/** The chain's verdict event by event, as verification worked before pages. */
async function eventByEvent(store: Store) {
  const chain = new ChainVerifier();
  for await (const event of allEvents(store)) if (!chain.push(event)) break;
  return chain.result();
}

const settle = <T>(p: Promise<T>) => p.then((value) => ({ value }), (error: Error) => ({ error: error.message }));

function tamper(db: Database.Database, kind: string): void {
  const seq = 1 + randomInt(size);
  const set = (column: string, value: unknown, at = seq) => db.prepare(`UPDATE audit_events SET ${column} = ? WHERE seq = ?`).run(value, at);
  const row = () => db.prepare('SELECT * FROM audit_events WHERE seq = ?').get(seq) as Record<string, string>;
  switch (kind) {
    case 'edit': {
      const column = ['at', 'type', 'actor', 'reason', 'prev_hash', 'hash', 'proposal_id'][randomInt(7)]!;
      return void set(column, `${row()[column] ?? ''}x`);
    }
    case 'edit-data':
      return void set('data', canonicalJson({ ...JSON.parse(row().data!), what: 'something else' }));
    case 'reformat-data':
      return void set('data', JSON.stringify(JSON.parse(row().data!), null, 2));
    case 'unreadable-data':
      return void set('data', '{"what":');
    case 'delete':
      return void db.prepare('DELETE FROM audit_events WHERE seq = ?').run(seq);
    case 'swap': {
      const other = seq === size ? seq - 1 : seq + 1;
      db.transaction(() => {
        set('seq', -1, seq);
        set('seq', seq, other);
        set('seq', other, -1);
      })();
      return;
    }
    case 'stray':
      return void db.prepare("INSERT INTO audit_events SELECT seq + 1000, at, type, proposal_id, actor, reason, data, prev_hash, hash FROM audit_events WHERE seq = ?").run(seq);
    case 'tail':
      return cutTail(db, 1 + randomInt(4));
    case 'forge':
      return forgeLog(db, (events) => events.map((e) => (e.seq === seq ? { ...e, actor: 'mallory' } : e)), forger);
  }
}

describe('verifying a log page by page, on two threads', () => {
  it('gives the verdict of one thread and of the event-by-event chain, for 200 random tamperings', async () => {
    const kinds = ['none', 'edit', 'edit-data', 'reformat-data', 'unreadable-data', 'delete', 'swap', 'stray', 'tail', 'forge'];
    const seen = new Set<string>();
    for (let trial = 0; trial < 200; trial++) {
      const kind = kinds[trial % kinds.length]!;
      const options = trial % 3 === 0 ? {} : { verifier: signer, witnessed };
      await onCopy(
        (db) => tamper(db, kind),
        async (store) => {
          const paged = await settle(verifyLog(slowed(store, 10).store, options, SMALL_PAGES));
          expect(paged, `trial ${trial}: ${kind}`).toEqual(await settle(verifyLog(store, options, ONE_THREAD)));
          const chain = await settle(eventByEvent(store));
          if ('error' in chain || !chain.value.ok) expect(paged, `trial ${trial}: ${kind}`).toEqual(chain);
          seen.add('error' in paged ? 'thrown' : paged.value.ok ? 'ok' : 'tampered');
        },
      );
    }
    expect([...seen].sort()).toEqual(['ok', 'tampered', 'thrown']);
  }, 120_000);

  it('finds the roots of checkpoints that end inside a page', async () => {
    await onCopy(
      () => {},
      async (store) => {
        expect(await verifyLog(store, { verifier: signer, witnessed }, SMALL_PAGES)).toMatchObject({ ok: true, events: size, checkpoint: { tree_size: witnessed.size, witnessed: true } });
        expect(witnessed.size % SMALL_PAGES.size).not.toBe(0);
      },
    );
  });

  it('reports progress every 5,000 events, as one thread did', async () => {
    const store = openSqliteStore(join(dir, 'long.db'));
    try {
      const event = { at: '2026-11-25T09:00:00.000Z', type: 'policy.loaded' as const, proposal_id: null, actor: 'cli', reason: null, data: {} };
      await store.appendAuditEvents(Array.from({ length: 10_001 }, (_, i) => ({ ...event, data: { i } })));
      for (const pages of [{ size: 4096, parallelFrom: 0 }, ONE_THREAD]) {
        const seen: number[] = [];
        expect(await verifyLog(store, { progress: (n) => seen.push(n) }, pages)).toEqual({ ok: true, events: 10_001 });
        expect(seen).toEqual([5000, 10_000]);
      }
    } finally {
      await store.close();
    }
  });

  it('hands pages to a worker thread that reads the database itself', async () => {
    await onCopy(
      () => {},
      async (store) => {
        const slow = untilWorkerReads(store);
        expect(await verifyLog(slow.store, {}, SMALL_PAGES)).toEqual({ ok: true, events: size });
        // This thread read fewer pages than the log has (plus the read that finds its end).
        expect(slow.reads).toBeGreaterThan(0);
        expect(slow.reads).toBeLessThan(Math.ceil(size / SMALL_PAGES.size) + 1);
      },
    );
  });

  it('checks every page itself when the worker thread cannot start', async () => {
    await onCopy(
      (db) => tamper(db, 'delete'),
      async (store) => {
        const broken: Store = { ...slowed(store, 10).store, auditRowSource: () => ({ module: 'file:///no/such/module.mjs', options: {} }) };
        expect(await verifyLog(broken, {}, SMALL_PAGES)).toEqual(await verifyLog(store, {}, ONE_THREAD));
      },
    );
  });
});
