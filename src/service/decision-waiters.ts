import type { ChangeFeed } from '../store/change-feed.js';

/**
 * Wakes long-polls the moment a proposal changes: the store reports every
 * committed change, so waiting costs no database polling at all.
 */
export function createDecisionWaiters(store: ChangeFeed) {
  const waiting = new Map<string, Set<() => void>>();
  const unsubscribe = store.onProposalChange((id) => {
    const wakers = waiting.get(id);
    if (!wakers) return;
    waiting.delete(id);
    for (const wake of wakers) wake();
  });

  return {
    /** Resolves true when the proposal changes, false after `timeoutMs` or on abort. */
    nextChange(id: string, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
      return new Promise((resolve) => {
        const wakers = waiting.get(id) ?? new Set();
        waiting.set(id, wakers);
        const done = (changed: boolean) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          wakers.delete(wake);
          if (wakers.size === 0 && waiting.get(id) === wakers) waiting.delete(id);
          resolve(changed);
        };
        const wake = () => done(true);
        const onAbort = () => done(false);
        const timer = setTimeout(() => done(false), timeoutMs);
        signal?.addEventListener('abort', onAbort, { once: true });
        wakers.add(wake);
      });
    },
    close: unsubscribe,
  };
}
