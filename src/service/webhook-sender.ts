import type { NotificationSettings, WebhookTarget } from '../policy/notification-config.js';
import { signWebhook, WEBHOOK_HEADERS } from '../sdk/webhook-signature.js';
import type { Delivery, DeliveryAttempt, Store } from '../store/store.js';

export interface WebhookSenderDeps {
  store: Store;
  targets: WebhookTarget[];
  retry: NotificationSettings['retry'];
  clock: () => number;
  /** Where failed attempts are reported (the server's log). */
  report: (line: string) => void;
  timeoutMs?: number;
}

const LEASE_MS = 60_000;
const BATCH = 20;

/** Worth another try: the receiver may answer later. Other 4xx mean it never will. */
const retryable = (status: number) => status === 408 || status === 425 || status === 429 || status >= 500;

/**
 * Delivers queued webhooks: each attempt is a POST with a timeout; failures
 * are retried with exponential backoff up to the policy's attempts, and every
 * result is recorded on the delivery. Runs beside the gate, never in a
 * decision's path.
 */
export function createWebhookSender({ store, targets, retry, clock, report, timeoutMs = 10_000 }: WebhookSenderDeps) {
  const byName = new Map(targets.map((t) => [t.name, t]));
  const pollMs = Math.min(1000, Math.max(50, retry.first_delay_ms));
  let draining: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  const stopping = new AbortController();

  async function post(target: WebhookTarget, d: Delivery): Promise<{ ok: true } | { ok: false; error: string; retry: boolean; afterMs?: number }> {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'countersign-webhook', [WEBHOOK_HEADERS.delivery]: d.id };
    if (target.secret) {
      const timestamp = Math.floor(clock() / 1000);
      headers[WEBHOOK_HEADERS.timestamp] = String(timestamp);
      headers[WEBHOOK_HEADERS.signature] = signWebhook(target.secret, timestamp, d.id, d.body);
    }
    try {
      const response = await fetch(target.url, { method: 'POST', headers, body: d.body, redirect: 'manual', signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), stopping.signal]) });
      await response.body?.cancel();
      if (response.ok) return { ok: true };
      const afterSeconds = Number(response.headers.get('retry-after'));
      return {
        ok: false,
        error: `HTTP ${response.status}`,
        retry: retryable(response.status),
        ...(afterSeconds > 0 ? { afterMs: afterSeconds * 1000 } : {}),
      };
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      return { ok: false, error: (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (cause ?? (error as Error).message), retry: true };
    }
  }

  async function attempt(d: Delivery): Promise<void> {
    const target = byName.get(d.webhook);
    const attempts = d.attempts + 1;
    const now = clock();
    let outcome: DeliveryAttempt;
    if (!target) {
      outcome = { status: 'failed', attempts: d.attempts, next_attempt_at: now, last_error: `webhook "${d.webhook}" is no longer configured`, delivered_at: null };
    } else {
      const result = await post(target, d);
      const done = clock();
      if (result.ok) {
        outcome = { status: 'delivered', attempts, next_attempt_at: done, last_error: null, delivered_at: new Date(done).toISOString() };
      } else if (!result.retry || attempts >= retry.attempts) {
        const why = result.retry ? `gave up after ${attempts} attempts` : 'not retried: the receiver refused it';
        outcome = { status: 'failed', attempts, next_attempt_at: done, last_error: `${result.error} (${why})`, delivered_at: null };
        report(`Webhook ${d.webhook}: delivery ${d.id} failed: ${outcome.last_error}`);
      } else {
        const backoff = Math.min(retry.max_delay_ms, Math.max(result.afterMs ?? 0, retry.first_delay_ms * 2 ** (attempts - 1)));
        outcome = { status: 'pending', attempts, next_attempt_at: done + backoff, last_error: result.error, delivered_at: null };
      }
    }
    // Cut short by shutdown: record nothing; the lease runs out and the next start (or another replica) retries.
    if (!stopping.signal.aborted) await store.recordDeliveryAttempt(d.id, outcome);
  }

  async function drain(): Promise<void> {
    do {
      again = false;
      for (;;) {
        const due = await store.leaseDueDeliveries(clock(), LEASE_MS, BATCH);
        await Promise.all(due.map(attempt));
        if (due.length < BATCH || stopped) break;
      }
    } while (again && !stopped);
  }

  /** Drains now (or right after the drain under way). */
  function kick(): Promise<void> {
    if (draining) {
      again = true;
      return draining;
    }
    draining = drain()
      .catch((error: unknown) => report(`Webhook delivery error: ${(error as Error).message}`))
      .finally(() => (draining = undefined));
    return draining;
  }

  return {
    kick,
    /** Polls for due retries (and deliveries queued by other replicas) until stopped. */
    start(): () => Promise<void> {
      const timer = setInterval(() => void kick(), pollMs);
      timer.unref();
      void kick();
      return async () => {
        stopped = true;
        clearInterval(timer);
        stopping.abort();
        await draining;
      };
    },
  };
}
