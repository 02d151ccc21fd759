import type { ApprovalService } from './approval-service.js';

// Node's timers overflow past ~24.8 days and would then fire every millisecond.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Expires overdue proposals every `intervalMs`; `onExpired` tells the team (expired proposals are never retried). */
export function startSweeper(service: ApprovalService, intervalMs: number, onExpired: (ids: string[]) => void, onError: (e: unknown) => void) {
  let running = false;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      const ids = await service.expireOverdue();
      if (ids.length > 0) onExpired(ids);
    } catch (error) {
      onError(error);
    } finally {
      running = false;
    }
  }, Math.min(intervalMs, MAX_TIMER_MS));
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
