import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Headers on every webhook request Countersign signs.
 *
 * @example
 * const delivery = request.headers[WEBHOOK_HEADERS.delivery];
 */
export const WEBHOOK_HEADERS = {
  /** The delivery's id: the same on every retry of one delivery. */
  delivery: 'x-countersign-delivery',
  /** Unix seconds when this attempt was signed. */
  timestamp: 'x-countersign-timestamp',
  /** `v1=` + hex HMAC-SHA256 over `<timestamp>.<delivery>.<body>`. */
  signature: 'x-countersign-signature',
} as const;

/**
 * The signature of one attempt. It covers the timestamp and the delivery id
 * as well as the body, so neither can be swapped onto another request.
 *
 * @example
 * const header = signWebhook(secret, Math.floor(Date.now() / 1000), deliveryId, body); // "v1=…"
 */
export function signWebhook(secret: string, timestamp: number, delivery: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${delivery}.${body}`).digest('hex')}`;
}

/**
 * What {@link createWebhookVerifier} concluded about one request.
 *
 * @example
 * const check: WebhookCheck = verifier.verify(headers, rawBody);
 */
export type WebhookCheck =
  | { ok: true; delivery: string; timestamp: number; duplicate: boolean }
  | { ok: false; problem: string };

/**
 * Options of {@link createWebhookVerifier}.
 *
 * @example
 * const options: WebhookVerifierOptions = { secret: process.env.COUNTERSIGN_WEBHOOK_SECRET!, toleranceSeconds: 120 };
 */
export interface WebhookVerifierOptions {
  secret: string;
  /** Requests signed longer ago (or further ahead) than this are refused. Default 300. */
  toleranceSeconds?: number;
  now?: () => number;
}

/**
 * Checks signed webhook requests on the receiving side, replay-safe: a stale
 * timestamp is refused, and a delivery id seen within the tolerance window is
 * reported as `duplicate` (a retry or a replay: answer 2xx, act once).
 *
 * @example
 * const verifier = createWebhookVerifier({ secret: process.env.COUNTERSIGN_WEBHOOK_SECRET! });
 * const check = verifier.verify(request.headers, rawBody);
 * if (!check.ok) return reply.code(401).send(check.problem);
 * if (!check.duplicate) handle(JSON.parse(rawBody));
 */
export function createWebhookVerifier({ secret, toleranceSeconds = 300, now = Date.now }: WebhookVerifierOptions) {
  const seen = new Map<string, number>();

  function forgetOld(nowSeconds: number) {
    for (const [id, at] of seen) if (at < nowSeconds - toleranceSeconds) seen.delete(id);
  }

  return {
    verify(headers: Record<string, string | string[] | undefined>, body: string): WebhookCheck {
      const header = (name: string) => {
        const value = headers[name];
        return Array.isArray(value) ? undefined : value;
      };
      const delivery = header(WEBHOOK_HEADERS.delivery);
      const stamp = header(WEBHOOK_HEADERS.timestamp);
      const signature = header(WEBHOOK_HEADERS.signature);
      if (!delivery || !stamp || !signature) return { ok: false, problem: 'missing signature headers' };
      const timestamp = Number(stamp);
      const nowSeconds = Math.floor(now() / 1000);
      if (!/^\d{1,12}$/.test(stamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) {
        return { ok: false, problem: `timestamp outside the ${toleranceSeconds} s window` };
      }
      const expected = Buffer.from(signWebhook(secret, timestamp, delivery, body));
      const given = Buffer.from(signature);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, problem: 'signature does not match' };
      forgetOld(nowSeconds);
      const duplicate = seen.has(delivery);
      seen.set(delivery, timestamp);
      return { ok: true, delivery, timestamp, duplicate };
    },
  };
}
