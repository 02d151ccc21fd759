import { ServerUnreachable } from './errors.js';

/** Resolves after `ms`, or rejects with the signal's reason once it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface RetryPolicy {
  /** First pause after a failure; doubles each time. */
  initialDelayMs: number;
  maxDelayMs: number;
}

/**
 * Calls `attempt` until it stops failing with `ServerUnreachable` or `until`
 * (epoch ms) passes. Other errors are answers from the server and end it.
 */
export async function retryUnreachable<T>(attempt: () => Promise<T>, policy: RetryPolicy, until: number, signal?: AbortSignal): Promise<T> {
  let delay = policy.initialDelayMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ServerUnreachable) || Date.now() + delay > until) throw error;
      await sleep(delay, signal);
      delay = Math.min(delay * 2, policy.maxDelayMs);
    }
  }
}
