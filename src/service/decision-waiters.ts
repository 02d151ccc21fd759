import type { ChangeFeed } from '../store/change-feed.js';

/**
 * Wakes long-polls the moment a proposal changes: the store reports every
 * committed change, so waiting costs no database polling at all.
 */
export function createDecisionWaiters(store: ChangeFeed) {
  const waiting = new Map<string, Set<(changed: boolean) => void>>();
  let released = false;
  const unsubscribe = store.onProposalChange((id) => {
    const wakers = waiting.get(id);
    if (!wakers) return;
    waiting.delete(id);
    for (const wake of wakers) wake(true);
  });

  return {
    /** Resolves true when the proposal changes, false after `timeoutMs` or on abort. */
    nextChange(id: string, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
      if (released) return Promise.resolve(false);
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
        const wake = (changed: boolean) => done(changed);
        const onAbort = () => done(false);
        const timer = setTimeout(() => done(false), timeoutMs);
        signal?.addEventListener('abort', onAbort, { once: true });
        wakers.add(wake);
      });
    },
    /** Shutting down: every wait ends now (as if it ran out) and every later one at once. */
    release(): void {
      released = true;
      for (const wakers of [...waiting.values()]) for (const wake of [...wakers]) wake(false);
    },
    close: unsubscribe,
  };
}
