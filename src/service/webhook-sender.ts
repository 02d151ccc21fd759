import type { NotificationSettings, WebhookTarget } from '../policy/notification-config.js';
import { signWebhook, WEBHOOK_HEADERS } from '../contract/webhook-signature.js';
import { MAX_IN_FLIGHT, post as httpPost } from './http-post.js';
import type { Delivery, DeliveryAttempt, DeliveryQueue } from '../store/delivery-queue.js';

export interface WebhookSenderDeps {
  store: DeliveryQueue;
  targets: WebhookTarget[];
  retry: NotificationSettings['retry'];
  clock: () => number;
  /** Where failed attempts are reported (the server's log). */
  report: (line: string) => void;
  timeoutMs?: number;
}

/** How long a replica holds a delivery it is sending; if it dies, another may send it after. */
export const LEASE_MS = 60_000;
/** Results are written in batches: one transaction for many attempts, not one each. */
const FLUSH_MS = 50;
const FLUSH_AT = 50;

/** Worth another try: the receiver may answer later. Other 4xx mean it never will. */
const retryable = (status: number) => status === 408 || status === 425 || status === 429 || status >= 500;

/**
 * Delivers queued webhooks: each attempt is a POST with a timeout; failures
 * are retried with exponential backoff up to the policy's attempts, and every
 * result is recorded on the delivery. Runs beside the gate, never in a
 * decision's path, with a bounded number of requests in flight.
 */
export function createWebhookSender({ store, targets, retry, clock, report, timeoutMs = 10_000 }: WebhookSenderDeps) {
  const byName = new Map(targets.map((t) => [t.name, t]));
  const pollMs = Math.min(1000, Math.max(50, retry.first_delay_ms));
  const stopping = new AbortController();
  let inFlight = 0;
  let backlog = false;
  let draining: Promise<void> | undefined;
  let results: DeliveryAttempt[] = [];
  let flushTimer: NodeJS.Timeout | undefined;
  let flushing = Promise.resolve();

  async function postOnce(target: WebhookTarget, d: Delivery): Promise<{ ok: true } | { ok: false; error: string; retry: boolean; afterMs?: number }> {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'countersign-webhook', [WEBHOOK_HEADERS.delivery]: d.id };
    if (target.secret) {
      const timestamp = Math.floor(clock() / 1000);
      headers[WEBHOOK_HEADERS.timestamp] = String(timestamp);
      headers[WEBHOOK_HEADERS.signature] = signWebhook(target.secret, timestamp, d.id, d.body);
    }
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      const response = await httpPost(target.url, headers, d.body, AbortSignal.any([timeout, stopping.signal]));
      if (response.status >= 200 && response.status < 300) return { ok: true };
      const afterSeconds = Number(response.headers['retry-after']);
      return {
        ok: false,
        error: `HTTP ${response.status}`,
        retry: retryable(response.status),
        ...(afterSeconds > 0 ? { afterMs: afterSeconds * 1000 } : {}),
      };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return { ok: false, error: timeout.aborted ? `no answer within ${timeoutMs} ms` : (code ?? (error as Error).message), retry: true };
    }
  }

  async function attempt(d: Delivery): Promise<DeliveryAttempt> {
    const target = byName.get(d.webhook);
    if (!target) return { id: d.id, status: 'failed', attempts: d.attempts, next_attempt_at: clock(), last_error: `webhook "${d.webhook}" is no longer configured`, delivered_at: null };
    const attempts = d.attempts + 1;
    const result = await postOnce(target, d);
    const done = clock();
    if (result.ok) return { id: d.id, status: 'delivered', attempts, next_attempt_at: done, last_error: null, delivered_at: new Date(done).toISOString() };
    if (!result.retry || attempts >= retry.attempts) {
      const why = result.retry ? `gave up after ${attempts} attempts` : 'not retried: the receiver refused it';
      report(`Webhook ${d.webhook}: delivery ${d.id} failed: ${result.error} (${why})`);
      return { id: d.id, status: 'failed', attempts, next_attempt_at: done, last_error: `${result.error} (${why})`, delivered_at: null };
    }
    const backoff = Math.min(retry.max_delay_ms, Math.max(result.afterMs ?? 0, retry.first_delay_ms * 2 ** (attempts - 1)));
    return { id: d.id, status: 'pending', attempts, next_attempt_at: done + backoff, last_error: result.error, delivered_at: null };
  }

  function flush(): Promise<void> {
    clearTimeout(flushTimer);
    flushTimer = undefined;
    const batch = results;
    results = [];
    flushing = flushing.then(() => store.recordDeliveryAttempts(batch)).catch((error: unknown) => report(`Webhook results not stored: ${(error as Error).message}`));
    return flushing;
  }

  function record(outcome: DeliveryAttempt) {
    results.push(outcome);
    if (results.length >= FLUSH_AT) void flush();
    else flushTimer ??= setTimeout(() => void flush(), FLUSH_MS);
  }

  /** Sends deliveries this replica holds the lease on, without waiting for them. */
  function send(deliveries: Delivery[]): void {
    for (const d of deliveries) {
      inFlight++;
      void attempt(d)
        .then((outcome) => {
          // Cut short by shutdown: record nothing; the lease runs out and the next start (or another replica) retries.
          if (!stopping.signal.aborted) record(outcome);
        })
        .finally(() => {
          inFlight--;
          if (backlog && !stopping.signal.aborted) void kick();
        });
    }
  }

  /** Leases due deliveries (retries, and those queued beyond capacity or by a replica that died) while there is room. */
  function kick(): Promise<void> {
    draining ??= (async () => {
      const room = MAX_IN_FLIGHT - inFlight;
      const due = room > 0 ? await store.leaseDueDeliveries(clock(), LEASE_MS, room) : [];
      backlog = room <= 0 || due.length === room;
      send(due);
    })()
      .catch((error: unknown) => report(`Webhook delivery error: ${(error as Error).message}`))
      .finally(() => (draining = undefined));
    return draining;
  }

  return {
    /** How many more deliveries may go out now; the rest wait in the queue for a lease. */
    room: () => Math.max(0, MAX_IN_FLIGHT - inFlight),
    send,
    kick,
    /** Polls for due deliveries until stopped. */
    start(): () => Promise<void> {
      const timer = setInterval(() => void kick(), pollMs);
      timer.unref();
      void kick();
      return async () => {
        clearInterval(timer);
        stopping.abort();
        await draining;
        await flush();
      };
    },
  };
}
