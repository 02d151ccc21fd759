export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** One notification for one webhook, with the fate of its delivery. */
export interface Delivery {
  /** `<webhook>/<notification key>`: the same notification is queued once, whichever replica sees it. */
  id: string;
  webhook: string;
  event_type: string;
  proposal_id: string | null;
  /** The audit event that caused it, if one did. */
  seq: number | null;
  /** The request body, fixed when queued so every attempt sends the same bytes. */
  body: string;
  status: DeliveryStatus;
  attempts: number;
  /** Epoch ms of the next attempt while pending. */
  next_attempt_at: number;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

export type NewDelivery = Pick<Delivery, 'id' | 'webhook' | 'event_type' | 'proposal_id' | 'seq' | 'body' | 'created_at' | 'next_attempt_at'> & {
  /** Epoch ms until which the queuing replica holds it to send at once; 0 leaves it to whoever leases it. */
  lease_until: number;
};

/** How one attempt ended; `pending` again means another attempt at `next_attempt_at`. */
export type DeliveryAttempt = Pick<Delivery, 'id' | 'status' | 'attempts' | 'next_attempt_at' | 'last_error' | 'delivered_at'>;

/** Reading the webhook outbox. */
export interface DeliveryReader {
  /** Newest first. */
  listDeliveries(query: { status?: DeliveryStatus; proposalIds?: string[]; limit: number }): Promise<Delivery[]>;
  /** The highest audit seq any delivery was queued for (0 if none): where notifying resumes. */
  notifiedThroughSeq(): Promise<number>;
}

/** The webhook outbox that every replica delivers from. */
export interface DeliveryQueue extends DeliveryReader {
  /**
   * Queues deliveries; an id already queued (by this or another replica) is
   * left as it is. Resolves to the ids this call queued: only those are the
   * caller's to send under their lease.
   */
  enqueueDeliveries(deliveries: NewDelivery[]): Promise<string[]>;
  /**
   * Takes up to `limit` pending deliveries due at `now` that no one else holds,
   * and holds them for `leaseMs` (a replica that dies mid-delivery lets go).
   */
  leaseDueDeliveries(now: number, leaseMs: number, limit: number): Promise<Delivery[]>;
  /** Records how attempts ended (several at once, in one transaction), releasing their leases. */
  recordDeliveryAttempts(attempts: DeliveryAttempt[]): Promise<void>;
}
