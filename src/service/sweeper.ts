import type { ApprovalService } from './approval-service.js';

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
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
