import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { parsePolicy } from '../../src/policy/policy-config.js';
import { type RunningServer, serve } from '../../src/server/serve.js';
import type { StoreLocation } from '../../src/store/open-store.js';
import { api, manualClock, tempDir } from '../support/harness.js';
import { freshDatabase } from '../support/postgres.js';
import { MODEL_POLICY, PEOPLE, STRANGER } from './gate-cast.js';

/** One server the steps may go to; `sweep` runs its expiry sweeper once. */
export interface Replica {
  url: string;
  sweep(): Promise<string[]>;
}

/** An audit row as the database holds it. */
export interface AuditRow {
  type: string;
  actor: string;
  reason: string | null;
  data: Record<string, unknown>;
}

/** The real gate under test: one or more replicas on one database, one hand-moved clock, a token per person. */
export interface GateSystem {
  replicas: Replica[];
  clock: ReturnType<typeof manualClock>;
  tokens: Record<string, string>;
  /**
   * One proposal's audit rows in seq order, read straight from the database:
   * cheap enough for every step (the API's chain route signs a checkpoint
   * each time the log grew; it is read once per proposal at the end).
   */
  auditRows(proposalId: string): Promise<AuditRow[]>;
  /** The number of events in the whole log (its last seq). */
  auditLength(): Promise<number>;
  close(): Promise<void>;
}

const AUDIT_ROWS = 'SELECT type, actor, reason, data FROM audit_events WHERE proposal_id = %s ORDER BY seq';
const AUDIT_LENGTH = 'SELECT coalesce(max(seq), 0) AS n FROM audit_events';

const replicaOf = (server: RunningServer): Replica => ({ url: server.url, sweep: () => server.approvals.expireOverdue() });

/** Adds the model's cast through the API as the bootstrap admin; the stranger gets a token that was never issued. */
async function addPeople(url: string, adminToken: string): Promise<Record<string, string>> {
  const admin = api(url, adminToken);
  const tokens: Record<string, string> = { [STRANGER]: 'cs_0000000000000000_never-issued' };
  for (const p of PEOPLE) {
    const res = await admin.post('/v1/identities', { name: p.name, kind: p.kind, owner: p.owner, roles: p.roles });
    if (res.status !== 201) throw new Error(`adding ${p.name}: ${res.status} ${JSON.stringify(res.body)}`);
    tokens[p.name] = res.body.token;
  }
  return tokens;
}

interface Database extends Pick<GateSystem, 'auditRows' | 'auditLength'> {
  location: StoreLocation;
  drop(): Promise<void>;
}

/**
 * `replicas` servers in this process on one database, sharing the clock and
 * the checkpoint key as replicas on one machine do. The first creates `admin`.
 */
async function startGate(open: (dir: string) => Promise<Database>, replicas: number): Promise<GateSystem> {
  const clock = manualClock();
  const dir = scratchDir();
  const db = await open(dir);
  const said: string[] = [];
  const servers: RunningServer[] = [];
  const close = async () => {
    for (const s of servers) await s.close();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < replicas; i++) {
      servers.push(await serve({
        store: db.location,
        host: '127.0.0.1',
        port: 0,
        policy: parsePolicy(MODEL_POLICY),
        clock,
        checkpointKeyFile: join(dir, 'checkpoint-key'),
        env: {},
        say: (line) => said.push(line),
      }));
    }
    const adminToken = /^cs_\S+$/m.exec(said.join('\n'))![0];
    const tokens = await addPeople(servers[0]!.url, adminToken);
    return { replicas: servers.map(replicaOf), clock, tokens, auditRows: db.auditRows, auditLength: db.auditLength, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Scratch space in memory where there is some: the model checks rules, not
 * durability, and on a busy disk SQLite's fsync per commit would take most of
 * its time. The database is still a real SQLite file, opened as `serve` opens it.
 */
const scratchDir = () => (existsSync('/dev/shm') ? mkdtempSync(join('/dev/shm', 'countersign-model-')) : tempDir('countersign-model-'));

/** One server on a real SQLite file. */
export function startSqliteGate(): Promise<GateSystem> {
  return startGate(async (dir) => {
    const file = join(dir, 'countersign.db');
    let reader: BetterSqlite3.Database | undefined;
    // Opened on first use: the server creates the file.
    const db = () => (reader ??= new BetterSqlite3(file, { readonly: true }));
    return {
      location: { db: file },
      async auditRows(id) {
        const rows = db().prepare(AUDIT_ROWS.replace('%s', '?')).all(id) as (Omit<AuditRow, 'data'> & { data: string })[];
        return rows.map((r) => ({ ...r, data: JSON.parse(r.data) }));
      },
      auditLength: async () => (db().prepare(AUDIT_LENGTH).get() as { n: number }).n,
      async drop() {
        reader?.close();
      },
    };
  }, 1);
}

/** Two replicas on one fresh PostgreSQL database; steps go to either. */
export function startPostgresGate(baseUrl: string): Promise<GateSystem> {
  return startGate(async () => {
    const db = await freshDatabase(baseUrl);
    const reader = new pg.Pool({ connectionString: db.url, max: 1 });
    return {
      location: { db: '', databaseUrl: db.url },
      auditRows: async (id) => (await reader.query<AuditRow>(AUDIT_ROWS.replace('%s', '$1'), [id])).rows,
      auditLength: async () => Number((await reader.query<{ n: string }>(AUDIT_LENGTH)).rows[0]!.n),
      async drop() {
        await reader.end();
        await db.drop();
      },
    };
  }, 2);
}
