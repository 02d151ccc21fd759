import { EventEmitter } from 'node:events';
import Database from 'better-sqlite3';
import type { AuditEvent, AuditEventInput, AuditEventRow } from '../../domain/audit-event.js';
import type { Change, DecisionRecord } from '../../domain/change.js';
import type { Identity } from '../../domain/identity.js';
import type { Proposal } from '../../domain/proposal.js';
import { canonicalJson } from '../../audit/canonical-json.js';
import { type ChainHead, EMPTY_HEAD, sealEvent } from '../../audit/hash-chain.js';
import { moduleBeside } from '../../audit/thread-module.js';
import type { Delivery, IdentityRecord, InsertResult, Store, ViewRecord } from '../store.js';
import { createGroupCommitter } from './group-commit.js';
import { ROWS_AFTER } from './sqlite-audit-rows.js';
import { sqliteMerkle } from './sqlite-merkle.js';
import { MIGRATIONS } from './sqlite-schema.js';

interface AuditRow extends Omit<AuditEvent, 'data'> {
  data: string;
}

const DELIVERY_COLUMNS = 'id, webhook, event_type, proposal_id, seq, body, status, attempts, next_attempt_at, last_error, created_at, delivered_at';

const toEvent = (row: AuditRow): AuditEvent => ({ ...row, data: JSON.parse(row.data) });
const toProposal = (row: { doc: string } | undefined): Proposal | undefined => (row ? JSON.parse(row.doc) : undefined);

interface IdentityRow {
  name: string;
  kind: Identity['kind'];
  owner: string | null;
  principal: string;
  roles: string;
  created_at: string;
  token_id: string;
  token_hash: Buffer;
}
const toIdentity = ({ token_id: _t, token_hash: _h, roles, ...rest }: IdentityRow): Identity => ({ ...rest, roles: JSON.parse(roles) });

/** Opens (creating and migrating if needed) a durable SQLite store at `file`. */
export function openSqliteStore(file: string): Store {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // FULL: every commit is on disk before it is acknowledged.
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  migrate(db);
  const merkle = sqliteMerkle(db);
  merkle.backfill.immediate();

  const changes = new EventEmitter().setMaxListeners(0);
  const sql = {
    head: db.prepare<[], ChainHead>('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1'),
    appendEvent: db.prepare(
      'INSERT INTO audit_events (seq, at, type, proposal_id, actor, reason, data, prev_hash, hash) VALUES (@seq, @at, @type, @proposal_id, @actor, @reason, @data, @prev_hash, @hash)',
    ),
    insertProposal: db.prepare(
      'INSERT INTO proposals (id, status, created_at, expires_at, doc, proposer, idempotency_key, request_hash) VALUES (@id, @status, @created_at, @expires_at, @doc, @proposer, @key, @request_hash)',
    ),
    byIdempotencyKey: db.prepare<[string, string], { doc: string; request_hash: string }>('SELECT doc, request_hash FROM proposals WHERE proposer = ? AND idempotency_key = ?'),
    updateProposal: db.prepare('UPDATE proposals SET status = @status, doc = @doc WHERE id = @id'),
    getProposal: db.prepare<[string], { doc: string }>('SELECT doc FROM proposals WHERE id = ?'),
    listAll: db.prepare<[number], { doc: string }>('SELECT doc FROM proposals ORDER BY created_at DESC, id DESC LIMIT ?'),
    listByStatus: db.prepare<[string, number], { doc: string }>('SELECT doc FROM proposals WHERE status = ? ORDER BY created_at DESC, id DESC LIMIT ?'),
    overdue: db.prepare<[string, number], { id: string }>("SELECT id FROM proposals WHERE status = 'pending' AND expires_at <= ? ORDER BY expires_at LIMIT ?"),
    insertDecision: db.prepare(
      'INSERT INTO decisions (proposal_id, identity, principal, verdict, at, review_ms, reason) VALUES (@proposal_id, @identity, @principal, @verdict, @at, @review_ms, @reason)',
    ),
    listDecisions: db.prepare<[string], DecisionRecord>('SELECT proposal_id, identity, principal, verdict, at, review_ms, reason FROM decisions WHERE at >= ? ORDER BY at'),
    recordView: db.prepare('INSERT INTO views (proposal_id, identity, first_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
    firstView: db.prepare<[string, string], { first_at: number }>('SELECT first_at FROM views WHERE proposal_id = ? AND identity = ?'),
    insertIdentity: db.prepare(
      'INSERT INTO identities (name, kind, owner, principal, roles, created_at, token_id, token_hash) VALUES (@name, @kind, @owner, @principal, @roles, @created_at, @token_id, @token_hash)',
    ),
    getIdentity: db.prepare<[string], IdentityRow>('SELECT * FROM identities WHERE name = ?'),
    findCredential: db.prepare<[string], IdentityRow>('SELECT * FROM identities WHERE token_id = ?'),
    countIdentities: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM identities'),
    eventsFor: db.prepare<[string], AuditRow>('SELECT * FROM audit_events WHERE proposal_id = ? ORDER BY seq'),
    eventsAfter: db.prepare<[number, number], AuditRow>('SELECT * FROM audit_events WHERE seq > ? ORDER BY seq LIMIT ?'),
    // Arrays, not objects: verification reads every row of the log.
    rowsAfter: db.prepare<[number, number], AuditEventRow>(ROWS_AFTER).raw(),
    viewsOf: db.prepare<[string], ViewRecord>('SELECT proposal_id, identity, first_at FROM views WHERE proposal_id IN (SELECT value FROM json_each(?)) ORDER BY first_at'),
    enqueueDelivery: db.prepare(
      'INSERT INTO deliveries (id, webhook, event_type, proposal_id, seq, body, created_at, next_attempt_at, lease_until) VALUES (@id, @webhook, @event_type, @proposal_id, @seq, @body, @created_at, @next_attempt_at, @lease_until) ON CONFLICT DO NOTHING',
    ),
    dueDeliveries: db.prepare<[number, number, number], Delivery>(
      `SELECT ${DELIVERY_COLUMNS} FROM deliveries WHERE status = 'pending' AND next_attempt_at <= ? AND lease_until <= ? ORDER BY next_attempt_at LIMIT ?`,
    ),
    leaseDelivery: db.prepare('UPDATE deliveries SET lease_until = ? WHERE id = ?'),
    recordAttempt: db.prepare(
      'UPDATE deliveries SET status = @status, attempts = @attempts, next_attempt_at = @next_attempt_at, last_error = @last_error, delivered_at = @delivered_at, lease_until = 0 WHERE id = @id',
    ),
    listDeliveries: db.prepare<[{ status: string | null; ids: string | null; limit: number }], Delivery>(
      `SELECT ${DELIVERY_COLUMNS} FROM deliveries
       WHERE (@status IS NULL OR status = @status) AND (@ids IS NULL OR proposal_id IN (SELECT value FROM json_each(@ids)))
       ORDER BY created_at DESC, id DESC LIMIT @limit`,
    ),
    revokeSession: db.prepare('INSERT INTO revoked_sessions (sid, expires_at) VALUES (?, ?) ON CONFLICT DO NOTHING'),
    pruneRevoked: db.prepare('DELETE FROM revoked_sessions WHERE expires_at <= ?'),
    sessionRevoked: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM revoked_sessions WHERE sid = ?'),
    notifiedThrough: db.prepare<[], { seq: number | null }>('SELECT max(seq) AS seq FROM deliveries'),
    latestOfType: db.prepare<[string], AuditRow>('SELECT * FROM audit_events WHERE type = ? ORDER BY seq DESC LIMIT 1'),
  };

  /** Seals events after the current head; runs inside the caller's transaction. */
  function append(events: AuditEventInput[]): void {
    let head = sql.head.get() ?? EMPTY_HEAD;
    const start = head;
    const sealed: AuditEvent[] = [];
    for (const input of events) {
      const event = sealEvent(head, input);
      // Canonical, so verification can hash the stored text as it is.
      sql.appendEvent.run({ ...event, data: canonicalJson(event.data) });
      sealed.push(event);
      head = event;
    }
    merkle.extend(start, sealed);
  }

  const writeProposal = (p: Proposal) => ({ id: p.id, status: p.status, created_at: p.created_at, expires_at: p.expires_at, doc: JSON.stringify(p) });

  const commit = createGroupCommitter(db);

  function applyRule(id: string, rule: (p: Proposal) => Change | undefined): Change | undefined {
    const current = toProposal(sql.getProposal.get(id));
    if (!current) return undefined;
    const change = rule(current) ?? { proposal: current, events: [] };
    if (change.proposal !== current) sql.updateProposal.run(writeProposal(change.proposal));
    if (change.decision) sql.insertDecision.run(change.decision);
    append(change.events);
    return change;
  }

  return {
    async insertProposal(proposal, events, once) {
      const result = await commit((): InsertResult => {
        const existing = once && sql.byIdempotencyKey.get(proposal.proposer, once.key);
        if (existing) return { created: false, existing: JSON.parse(existing.doc), request_hash: existing.request_hash };
        sql.insertProposal.run({ ...writeProposal(proposal), proposer: proposal.proposer, key: once?.key ?? null, request_hash: once?.request_hash ?? null });
        append(events);
        return { created: true };
      });
      if (result.created) changes.emit('change', proposal.id);
      return result;
    },
    async updateProposal(id, rule) {
      const change = await commit(() => applyRule(id, rule));
      if (change && change.events.length > 0) changes.emit('change', id);
      return change;
    },
    async getProposal(id) {
      return toProposal(sql.getProposal.get(id));
    },
    async listProposals({ status, limit }) {
      const rows = status ? sql.listByStatus.all(status, limit) : sql.listAll.all(limit);
      return rows.map((r) => JSON.parse(r.doc) as Proposal);
    },
    async overdueProposalIds(nowIso, limit) {
      return sql.overdue.all(nowIso, limit).map((r) => r.id);
    },
    async recordView(proposalId, identity, at) {
      sql.recordView.run(proposalId, identity, at);
    },
    async firstViewedAt(proposalId, identity) {
      return sql.firstView.get(proposalId, identity)?.first_at;
    },
    async listDecisions(since = '') {
      return sql.listDecisions.all(since);
    },
    async listViews(proposalIds) {
      return proposalIds.length === 0 ? [] : sql.viewsOf.all(JSON.stringify(proposalIds));
    },
    async insertIdentity(record, events) {
      await commit(() => {
        sql.insertIdentity.run({ ...record.identity, roles: JSON.stringify(record.identity.roles), token_id: record.token_id, token_hash: record.token_hash });
        append(events);
      });
    },
    async getIdentity(name) {
      const row = sql.getIdentity.get(name);
      return row && toIdentity(row);
    },
    async findCredential(tokenId) {
      const row = sql.findCredential.get(tokenId);
      return row && { identity: toIdentity(row), token_id: row.token_id, token_hash: row.token_hash };
    },
    async countIdentities() {
      return sql.countIdentities.get()!.n;
    },
    async auditEventsFor(proposalId) {
      return sql.eventsFor.all(proposalId).map(toEvent);
    },
    async auditEventsAfter(seq, limit) {
      return sql.eventsAfter.all(seq, limit).map(toEvent);
    },
    async auditRowsAfter(seq, limit) {
      return sql.rowsAfter.all(seq, limit);
    },
    auditRowSource() {
      return db.memory ? undefined : { module: moduleBeside(import.meta.url, './sqlite-audit-rows').href, options: { file: db.name } };
    },
    async appendAuditEvents(events) {
      await commit(() => append(events));
    },
    async latestAuditEvent(type) {
      const row = sql.latestOfType.get(type);
      return row && toEvent(row);
    },
    async auditTreeSize() {
      return merkle.treeSize();
    },
    async merkleNodes(refs) {
      return merkle.nodes(refs);
    },
    async saveCheckpoint(checkpoint) {
      await commit(() => merkle.saveCheckpoint(checkpoint));
    },
    async latestCheckpoint() {
      return merkle.latestCheckpoint();
    },
    async enqueueDeliveries(deliveries) {
      if (deliveries.length === 0) return [];
      return commit(() => deliveries.filter((d) => sql.enqueueDelivery.run(d).changes === 1).map((d) => d.id));
    },
    async leaseDueDeliveries(now, leaseMs, limit) {
      return commit(() => {
        const due = sql.dueDeliveries.all(now, now, limit);
        for (const d of due) sql.leaseDelivery.run(now + leaseMs, d.id);
        return due;
      });
    },
    async recordDeliveryAttempts(attempts) {
      if (attempts.length > 0) await commit(() => attempts.forEach((a) => sql.recordAttempt.run(a)));
    },
    async listDeliveries({ status, proposalIds, limit }) {
      return sql.listDeliveries.all({ status: status ?? null, ids: proposalIds ? JSON.stringify(proposalIds) : null, limit });
    },
    async notifiedThroughSeq() {
      return sql.notifiedThrough.get()?.seq ?? 0;
    },
    async revokeSession(sid, expiresAt, now) {
      await commit(() => {
        sql.pruneRevoked.run(now);
        sql.revokeSession.run(sid, expiresAt);
      });
    },
    async sessionRevoked(sid) {
      return sql.sessionRevoked.get(sid) !== undefined;
    },
    onProposalChange(listener) {
      changes.on('change', listener);
      return () => changes.off('change', listener);
    },
    async close() {
      db.close();
    },
  };
}

function migrate(db: Database.Database): void {
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    for (let v = version; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v]!);
    if (version < MIGRATIONS.length) db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}

