import type { Pool } from 'pg';
import type { Delivery, DeliveryQueue, DeliveryReader } from '../delivery-queue.js';

const DELIVERY_COLUMNS = 'id, webhook, event_type, proposal_id, seq, body, status, attempts, next_attempt_at, last_error, created_at, delivered_at';

export function pgDeliveryReader(pool: Pick<Pool, 'query'>): DeliveryReader {
  return {
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
  };
}

/** The outbox on PostgreSQL: replicas lease with SKIP LOCKED, so each delivery goes to one of them. */
export function pgDeliveryQueue(pool: Pool): DeliveryQueue {
  return {
    ...pgDeliveryReader(pool),
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
  };
}
