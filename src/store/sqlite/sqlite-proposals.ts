import type Database from 'better-sqlite3';
import type { Change } from '../../domain/change.js';
import type { Proposal } from '../../domain/proposal.js';
import type { InsertResult, ProposalReader, ProposalStore } from '../proposal-store.js';
import { sqliteApproverTallyWriter } from './sqlite-approver-tallies.js';
import type { SqliteWrites } from './sqlite-writes.js';

const toProposal = (row: { doc: string } | undefined): Proposal | undefined => (row ? JSON.parse(row.doc) : undefined);
const proposalRow = (p: Proposal) => ({ id: p.id, status: p.status, created_at: p.created_at, expires_at: p.expires_at, doc: JSON.stringify(p) });

export function sqliteProposalReader(db: Database.Database): ProposalReader {
  const sql = {
    get: db.prepare<[string], { doc: string }>('SELECT doc FROM proposals WHERE id = ?'),
    listAll: db.prepare<[number], { doc: string }>('SELECT doc FROM proposals ORDER BY created_at DESC, id DESC LIMIT ?'),
    listByStatus: db.prepare<[string, number], { doc: string }>('SELECT doc FROM proposals WHERE status = ? ORDER BY created_at DESC, id DESC LIMIT ?'),
    overdue: db.prepare<[string, number], { id: string }>("SELECT id FROM proposals WHERE status = 'pending' AND expires_at <= ? ORDER BY expires_at LIMIT ?"),
  };
  return {
    async getProposal(id) {
      return toProposal(sql.get.get(id));
    },
    async listProposals({ status, limit }) {
      const rows = status ? sql.listByStatus.all(status, limit) : sql.listAll.all(limit);
      return rows.map((r) => JSON.parse(r.doc) as Proposal);
    },
    async overdueProposalIds(nowIso, limit) {
      return sql.overdue.all(nowIso, limit).map((r) => r.id);
    },
  };
}

/** Proposals on SQLite: each change with its decision and events in one write, `changed` told after it commits. */
export function sqliteProposalStore(db: Database.Database, { commit, append }: SqliteWrites, changed: (id: string) => void): ProposalStore {
  const sql = {
    get: db.prepare<[string], { doc: string }>('SELECT doc FROM proposals WHERE id = ?'),
    insert: db.prepare(
      'INSERT INTO proposals (id, status, created_at, expires_at, doc, proposer, idempotency_key, request_hash) VALUES (@id, @status, @created_at, @expires_at, @doc, @proposer, @key, @request_hash)',
    ),
    byIdempotencyKey: db.prepare<[string, string], { doc: string; request_hash: string }>('SELECT doc, request_hash FROM proposals WHERE proposer = ? AND idempotency_key = ?'),
    update: db.prepare('UPDATE proposals SET status = @status, doc = @doc WHERE id = @id'),
    insertDecision: db.prepare(
      'INSERT INTO decisions (proposal_id, identity, principal, verdict, at, review_ms, reason) VALUES (@proposal_id, @identity, @principal, @verdict, @at, @review_ms, @reason)',
    ),
  };
  const tally = sqliteApproverTallyWriter(db);

  function applyRule(id: string, rule: (p: Proposal) => Change | undefined): Change | undefined {
    const current = toProposal(sql.get.get(id));
    if (!current) return undefined;
    const change = rule(current) ?? { proposal: current, events: [] };
    if (change.proposal !== current) sql.update.run(proposalRow(change.proposal));
    if (change.decision) {
      tally(change.decision);
      sql.insertDecision.run(change.decision);
    }
    append(change.events);
    return change;
  }

  return {
    ...sqliteProposalReader(db),
    async insertProposal(proposal, events, once) {
      const result = await commit((): InsertResult => {
        const existing = once && sql.byIdempotencyKey.get(proposal.proposer, once.key);
        if (existing) return { created: false, existing: JSON.parse(existing.doc), request_hash: existing.request_hash };
        sql.insert.run({ ...proposalRow(proposal), proposer: proposal.proposer, key: once?.key ?? null, request_hash: once?.request_hash ?? null });
        append(events);
        return { created: true };
      });
      if (result.created) changed(proposal.id);
      return result;
    },
    async updateProposal(id, rule) {
      const change = await commit(() => applyRule(id, rule));
      if (change && change.events.length > 0) changed(id);
      return change;
    },
  };
}
