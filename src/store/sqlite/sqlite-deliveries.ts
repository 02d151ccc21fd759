import type Database from 'better-sqlite3';
import type { Delivery, DeliveryQueue, DeliveryReader } from '../delivery-queue.js';
import type { SqliteWrites } from './sqlite-writes.js';

const DELIVERY_COLUMNS = 'id, webhook, event_type, proposal_id, seq, body, status, attempts, next_attempt_at, last_error, created_at, delivered_at';

export function sqliteDeliveryReader(db: Database.Database): DeliveryReader {
  const sql = {
    list: db.prepare<[{ status: string | null; ids: string | null; limit: number }], Delivery>(
      `SELECT ${DELIVERY_COLUMNS} FROM deliveries
       WHERE (@status IS NULL OR status = @status) AND (@ids IS NULL OR proposal_id IN (SELECT value FROM json_each(@ids)))
       ORDER BY created_at DESC, id DESC LIMIT @limit`,
    ),
    notifiedThrough: db.prepare<[], { seq: number | null }>('SELECT max(seq) AS seq FROM deliveries'),
  };
  return {
    async listDeliveries({ status, proposalIds, limit }) {
      return sql.list.all({ status: status ?? null, ids: proposalIds ? JSON.stringify(proposalIds) : null, limit });
    },
    async notifiedThroughSeq() {
      return sql.notifiedThrough.get()?.seq ?? 0;
    },
  };
}

export function sqliteDeliveryQueue(db: Database.Database, { commit }: Pick<SqliteWrites, 'commit'>): DeliveryQueue {
  const sql = {
    enqueue: db.prepare(
      'INSERT INTO deliveries (id, webhook, event_type, proposal_id, seq, body, created_at, next_attempt_at, lease_until) VALUES (@id, @webhook, @event_type, @proposal_id, @seq, @body, @created_at, @next_attempt_at, @lease_until) ON CONFLICT DO NOTHING',
    ),
    due: db.prepare<[number, number, number], Delivery>(
      `SELECT ${DELIVERY_COLUMNS} FROM deliveries WHERE status = 'pending' AND next_attempt_at <= ? AND lease_until <= ? ORDER BY next_attempt_at LIMIT ?`,
    ),
    lease: db.prepare('UPDATE deliveries SET lease_until = ? WHERE id = ?'),
    recordAttempt: db.prepare(
      'UPDATE deliveries SET status = @status, attempts = @attempts, next_attempt_at = @next_attempt_at, last_error = @last_error, delivered_at = @delivered_at, lease_until = 0 WHERE id = @id',
    ),
  };
  return {
    ...sqliteDeliveryReader(db),
    async enqueueDeliveries(deliveries) {
      if (deliveries.length === 0) return [];
      return commit(() => deliveries.filter((d) => sql.enqueue.run(d).changes === 1).map((d) => d.id));
    },
    async leaseDueDeliveries(now, leaseMs, limit) {
      return commit(() => {
        const due = sql.due.all(now, now, limit);
        for (const d of due) sql.lease.run(now + leaseMs, d.id);
        return due;
      });
    },
    async recordDeliveryAttempts(attempts) {
      if (attempts.length > 0) await commit(() => attempts.forEach((a) => sql.recordAttempt.run(a)));
    },
  };
}
