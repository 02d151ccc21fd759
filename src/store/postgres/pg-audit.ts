import type { PoolClient } from 'pg';
import type { AuditEvent, AuditEventInput } from '../../domain/audit-event.js';
import { type ChainHead, sealEvent } from '../../audit/hash-chain.js';

/**
 * Seals `events` after the chain's head and announces `proposalId` on
 * `channel`, inside the caller's transaction. The head row stays locked until
 * that transaction ends, so concurrent appends from any replica queue here and
 * the chain is in commit order. Take this lock last: it is the hot one.
 */
export async function appendEvents(client: PoolClient, events: AuditEventInput[], channel: string, proposalId: string | null): Promise<void> {
  if (events.length === 0) return;
  const { rows } = await client.query<ChainHead>('SELECT seq, hash FROM audit_head FOR UPDATE');
  let head: ChainHead = rows[0]!;
  const sealed: AuditEvent[] = [];
  for (const input of events) {
    const event = sealEvent(head, input);
    sealed.push(event);
    head = event;
  }
  // One round trip: insert the events, move the head, and notify on commit.
  await client.query(
    `WITH events AS (
       INSERT INTO audit_events (seq, at, type, proposal_id, actor, reason, data, prev_hash, hash)
       SELECT e.seq, e.at, e.type, e.proposal_id, e.actor, e.reason, e.data, e.prev_hash, e.hash
       FROM json_to_recordset($1::json) AS e(seq bigint, at text, type text, proposal_id text, actor text, reason text, data json, prev_hash text, hash text)
     ), head AS (
       UPDATE audit_head SET seq = $2, hash = $3
     )
     SELECT CASE WHEN $5::text IS NULL THEN NULL ELSE pg_notify($4, $2 || ' ' || $5) END`,
    [JSON.stringify(sealed), head.seq, head.hash, channel, proposalId],
  );
}

interface AuditRow extends Omit<AuditEvent, 'data'> {
  data: Record<string, unknown>;
}

export const AUDIT_COLUMNS = 'seq, at, type, proposal_id, actor, reason, data, prev_hash, hash';
export const toEvent = (row: AuditRow): AuditEvent => row;
