import { type ExpiryGroup, expiryGroup } from '../domain/expiry-review.js';
import type { DeliveryReader, DeliveryStatus } from '../store/delivery-queue.js';
import type { ReviewReader } from '../store/review-store.js';

export interface ExpiryFacts {
  /** Approvers who opened the proposal before it expired. */
  viewed_by: string[];
  /** Webhooks told about it, and how each delivery went. */
  notified: { webhook: string; event: string; status: DeliveryStatus; delivered_at: string | null }[];
  group: ExpiryGroup;
}

const byProposal = <T extends { proposal_id: string | null }>(rows: T[]) => {
  const map = new Map<string, T[]>();
  for (const row of rows) if (row.proposal_id) map.set(row.proposal_id, [...(map.get(row.proposal_id) ?? []), row]);
  return map;
};

/**
 * The expiry review of expired proposals (the UI, the API and the evidence
 * pack all show it): who opened each, who was told, and the likely cause.
 */
export async function expiryFacts(store: ReviewReader & DeliveryReader, expired: { id: string; approvals: number }[]): Promise<Map<string, ExpiryFacts>> {
  const ids = expired.map((p) => p.id);
  const [views, deliveries] = await Promise.all([store.listViews(ids), store.listDeliveries({ proposalIds: ids, limit: 100_000 })]);
  const viewsOf = byProposal(views);
  const deliveriesOf = byProposal(deliveries);
  return new Map(
    expired.map(({ id, approvals }) => {
      const viewed_by = (viewsOf.get(id) ?? []).map((v) => v.identity);
      const notified = (deliveriesOf.get(id) ?? []).map((d) => ({ webhook: d.webhook, event: d.event_type, status: d.status, delivered_at: d.delivered_at }));
      return [id, { viewed_by, notified, group: expiryGroup(approvals, viewed_by.length) }];
    }),
  );
}
