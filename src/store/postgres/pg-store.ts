import type { Change, DecisionRecord } from '../../domain/change.js';
import type { Identity } from '../../domain/identity.js';
import type { Proposal } from '../../domain/proposal.js';
import type { Delivery, IdentityRecord, InsertResult, Store, ViewRecord } from '../store.js';
import type { AuditEventRow } from '../../domain/audit-event.js';
import { AUDIT_COLUMNS, AUDIT_ROW_COLUMNS, appendEvents, backfillMerkle, readNodes, toEvent } from './pg-audit.js';
import type { StoredCheckpoint } from '../store.js';
import { type ChangeFeed, listenForChanges } from './pg-changes.js';
import { pgKeyStore } from './pg-keys.js';
import { migrate } from './pg-migrate.js';
import { clientConfig, createPool, inTransaction, type PgConnection } from './pg-pool.js';

interface IdentityRow extends Omit<Identity, 'roles'> {
  roles: Identity['roles'];
  token_id: string;
  token_hash: Buffer;
}
const toIdentity = ({ token_id: _t, token_hash: _h, ...identity }: IdentityRow): Identity => identity;
const DELIVERY_COLUMNS = 'id, webhook, event_type, proposal_id, seq, body, status, attempts, next_attempt_at, last_error, created_at, delivered_at';

const docs = (rows: { doc: Proposal }[]): Proposal[] => rows.map((r) => r.doc);
const proposalRow = (p: Proposal) => [p.id, p.status, p.created_at, p.expires_at, JSON.stringify(p)];

/**
 * A PostgreSQL store that any number of replicas can share. Updates of one
 * proposal are serialised by its row lock; the audit chain by its head row
 * (see pg-audit.ts); changes reach every replica through LISTEN/NOTIFY.
 */
export async function openPostgresStore(connection: PgConnection): Promise<Store> {
  const pool = createPool(connection);
  // Channels are per database; naming the schema keeps stores in one database apart.
  const channel = `countersign_changes:${connection.schema ?? 'default'}`;
  let changes: ChangeFeed;
  try {
    await migrate(pool, connection.schema);
    await backfillMerkle(pool);
    changes = await listenForChanges(clientConfig(connection), pool, channel);
  } catch (error) {
    await pool.end();
    throw error;
  }

  return {
    ...pgKeyStore(pool, channel),
    async insertProposal(proposal, events, once) {
      return inTransaction(pool, async (client): Promise<InsertResult> => {
        // A racing insert with the same key makes this one wait for it, then do nothing.
        const { rowCount } = await client.query(
          `INSERT INTO proposals (id, status, created_at, expires_at, doc, proposer, idempotency_key, request_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (proposer, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING`,
          [...proposalRow(proposal), proposal.proposer, once?.key ?? null, once?.request_hash ?? null],
        );
        if (rowCount === 0) {
          const { rows } = await client.query<{ doc: Proposal; request_hash: string }>(
            'SELECT doc, request_hash FROM proposals WHERE proposer = $1 AND idempotency_key = $2',
            [proposal.proposer, once!.key],
          );
          return { created: false, existing: rows[0]!.doc, request_hash: rows[0]!.request_hash };
        }
        await appendEvents(client, events, channel, proposal.id);
        return { created: true };
      });
    },

    async updateProposal(id, rule) {
      return inTransaction(pool, async (client): Promise<Change | undefined> => {
        // The row lock makes read-rule-write atomic against every replica.
        const { rows } = await client.query<{ doc: Proposal }>('SELECT doc FROM proposals WHERE id = $1 FOR UPDATE', [id]);
        const current = rows[0]?.doc;
        if (!current) return undefined;
        const change = rule(current) ?? { proposal: current, events: [] };
        if (change.proposal !== current) {
          const next = change.proposal;
          await client.query('UPDATE proposals SET status = $2, doc = $3 WHERE id = $1', [next.id, next.status, JSON.stringify(next)]);
        }
        if (change.decision) {
          const d = change.decision;
          await client.query(
            'INSERT INTO decisions (proposal_id, identity, principal, verdict, at, review_ms, reason) VALUES ($1, $2, $3, $4, $5, $6, $7)',
            [d.proposal_id, d.identity, d.principal, d.verdict, d.at, d.review_ms, d.reason],
          );
        }
        await appendEvents(client, change.events, channel, id);
        return change;
      });
    },

    async getProposal(id) {
      return (await pool.query<{ doc: Proposal }>('SELECT doc FROM proposals WHERE id = $1', [id])).rows[0]?.doc;
    },

    async listProposals({ status, limit }) {
      const { rows } = status
        ? await pool.query<{ doc: Proposal }>('SELECT doc FROM proposals WHERE status = $1 ORDER BY created_at DESC, id DESC LIMIT $2', [status, limit])
        : await pool.query<{ doc: Proposal }>('SELECT doc FROM proposals ORDER BY created_at DESC, id DESC LIMIT $1', [limit]);
      return docs(rows);
    },

    async overdueProposalIds(nowIso, limit) {
      const { rows } = await pool.query<{ id: string }>(
        "SELECT id FROM proposals WHERE status = 'pending' AND expires_at <= $1 ORDER BY expires_at LIMIT $2",
        [nowIso, limit],
      );
      return rows.map((r) => r.id);
    },

    async recordView(proposalId, identity, at) {
      await pool.query('INSERT INTO views (proposal_id, identity, first_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [proposalId, identity, at]);
    },

    async firstViewedAt(proposalId, identity) {
      const { rows } = await pool.query<{ first_at: number }>('SELECT first_at FROM views WHERE proposal_id = $1 AND identity = $2', [proposalId, identity]);
      return rows[0]?.first_at;
    },

    async listDecisions(since = '') {
      const { rows } = await pool.query<DecisionRecord>(
        'SELECT proposal_id, identity, principal, verdict, at, review_ms, reason FROM decisions WHERE at >= $1 ORDER BY at',
        [since],
      );
      return rows;
    },

    async listViews(proposalIds) {
      const { rows } = await pool.query<ViewRecord>(
        'SELECT proposal_id, identity, first_at FROM views WHERE proposal_id = ANY($1) ORDER BY first_at',
        [proposalIds],
      );
      return rows;
    },

    async insertIdentity({ identity: i, token_id, token_hash }, events) {
      await inTransaction(pool, async (client) => {
        await client.query(
          'INSERT INTO identities (name, kind, owner, principal, roles, created_at, token_id, token_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
          [i.name, i.kind, i.owner, i.principal, JSON.stringify(i.roles), i.created_at, token_id, token_hash],
        );
        await appendEvents(client, events, channel, null);
      });
    },

    async getIdentity(name) {
      const row = (await pool.query<IdentityRow>('SELECT * FROM identities WHERE name = $1', [name])).rows[0];
      return row && toIdentity(row);
    },

    async findCredential(tokenId): Promise<IdentityRecord | undefined> {
      const row = (await pool.query<IdentityRow>('SELECT * FROM identities WHERE token_id = $1', [tokenId])).rows[0];
      return row && { identity: toIdentity(row), token_id: row.token_id, token_hash: row.token_hash };
    },

    async countIdentities() {
      return (await pool.query<{ n: number }>('SELECT count(*) AS n FROM identities')).rows[0]!.n;
    },

    async auditEventsFor(proposalId) {
      const { rows } = await pool.query(`SELECT ${AUDIT_COLUMNS} FROM audit_events WHERE proposal_id = $1 ORDER BY seq`, [proposalId]);
      return rows.map(toEvent);
    },

    async auditEventsAfter(seq, limit) {
      const { rows } = await pool.query(`SELECT ${AUDIT_COLUMNS} FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2`, [seq, limit]);
      return rows.map(toEvent);
    },

    async auditRowsAfter(seq, limit) {
      const sql = `SELECT ${AUDIT_ROW_COLUMNS} FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2`;
      return (await pool.query<AuditEventRow>({ text: sql, values: [seq, limit], rowMode: 'array' })).rows;
    },

    // A PostgreSQL log is verified on the calling thread only.
    auditRowSource: () => undefined,

    async appendAuditEvents(events) {
      await inTransaction(pool, (client) => appendEvents(client, events, channel, null));
    },

    async latestAuditEvent(type) {
      const { rows } = await pool.query(`SELECT ${AUDIT_COLUMNS} FROM audit_events WHERE type = $1 ORDER BY seq DESC LIMIT 1`, [type]);
      return rows[0] && toEvent(rows[0]);
    },

    async auditTreeSize() {
      return (await pool.query<{ seq: number }>('SELECT seq FROM audit_head')).rows[0]!.seq;
    },

    merkleNodes: (refs) => readNodes(pool, refs),

    async saveCheckpoint(c) {
      await pool.query('INSERT INTO checkpoints (tree_size, root_hash, note, signed_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [
        c.tree_size, c.root_hash, c.note, c.signed_at,
      ]);
    },

    async latestCheckpoint() {
      return (await pool.query<StoredCheckpoint>('SELECT * FROM checkpoints ORDER BY tree_size DESC LIMIT 1')).rows[0];
    },

    async enqueueDeliveries(deliveries) {
      if (deliveries.length === 0) return [];
      const { rows } = await pool.query<{ id: string }>(
        `INSERT INTO deliveries (id, webhook, event_type, proposal_id, seq, body, created_at, next_attempt_at, lease_until)
         SELECT * FROM jsonb_to_recordset($1::jsonb)
           AS d(id text, webhook text, event_type text, proposal_id text, seq bigint, body text, created_at text, next_attempt_at bigint, lease_until bigint)
         ON CONFLICT DO NOTHING RETURNING id`,
        [JSON.stringify(deliveries)],
      );
      return rows.map((r) => r.id);
    },

    async leaseDueDeliveries(now, leaseMs, limit) {
      // SKIP LOCKED: replicas leasing at once take different deliveries.
      const { rows } = await pool.query<Delivery>(
        `UPDATE deliveries SET lease_until = $2 WHERE id IN (
           SELECT id FROM deliveries WHERE status = 'pending' AND next_attempt_at <= $1 AND lease_until <= $1
           ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
         RETURNING ${DELIVERY_COLUMNS}`,
        [now, now + leaseMs, limit],
      );
      return rows;
    },

    async recordDeliveryAttempts(attempts) {
      if (attempts.length === 0) return;
      await pool.query(
        `UPDATE deliveries SET status = a.status, attempts = a.attempts, next_attempt_at = a.next_attempt_at,
           last_error = a.last_error, delivered_at = a.delivered_at, lease_until = 0
         FROM jsonb_to_recordset($1::jsonb) AS a(id text, status text, attempts integer, next_attempt_at bigint, last_error text, delivered_at text)
         WHERE deliveries.id = a.id`,
        [JSON.stringify(attempts)],
      );
    },

    async listDeliveries({ status, proposalIds, limit }) {
      const { rows } = await pool.query<Delivery>(
        `SELECT ${DELIVERY_COLUMNS} FROM deliveries
         WHERE ($1::text IS NULL OR status = $1) AND ($2::text[] IS NULL OR proposal_id = ANY($2))
         ORDER BY created_at DESC, id DESC LIMIT $3`,
        [status ?? null, proposalIds ?? null, limit],
      );
      return rows;
    },

    async notifiedThroughSeq() {
      return (await pool.query<{ seq: number | null }>('SELECT max(seq) AS seq FROM deliveries')).rows[0]?.seq ?? 0;
    },

    async revokeSession(sid, expiresAt, now) {
      await pool.query(
        'WITH pruned AS (DELETE FROM revoked_sessions WHERE expires_at <= $3) INSERT INTO revoked_sessions (sid, expires_at) VALUES ($1, $2) ON CONFLICT DO NOTHING',
        [sid, expiresAt, now],
      );
    },

    async sessionRevoked(sid) {
      return (await pool.query('SELECT 1 FROM revoked_sessions WHERE sid = $1', [sid])).rowCount === 1;
    },

    onProposalChange: changes.on,

    async close() {
      await changes.close();
      await pool.end();
    },
  };
}
