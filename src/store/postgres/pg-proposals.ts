import type { Pool } from 'pg';
import type { Change } from '../../domain/change.js';
import type { Proposal } from '../../domain/proposal.js';
import type { InsertResult, ProposalReader, ProposalStore } from '../proposal-store.js';
import { pgTallyDecision } from './pg-approver-tallies.js';
import { appendEvents } from './pg-audit.js';
import { inTransaction } from './pg-pool.js';

const docs = (rows: { doc: Proposal }[]): Proposal[] => rows.map((r) => r.doc);
const proposalRow = (p: Proposal) => [p.id, p.status, p.created_at, p.expires_at, JSON.stringify(p)];

export function pgProposalReader(pool: Pick<Pool, 'query'>): ProposalReader {
  return {
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
  };
}

/** Proposals on PostgreSQL: updates of one proposal are serialised by its row lock; `channel` hears every change. */
export function pgProposalStore(pool: Pool, channel: string): ProposalStore {
  return {
    ...pgProposalReader(pool),
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
          await pgTallyDecision(client, d);
        }
        await appendEvents(client, change.events, channel, id);
        return change;
      });
    },
  };
}
