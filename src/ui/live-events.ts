import type { ServerResponse } from 'node:http';
import type { Store } from '../store/store.js';

const HEARTBEAT_MS = 20_000;

/**
 * Server-sent events: one `change` event (the proposal id) per committed
 * change, from the store's own change feed. Pages re-fetch what they show,
 * so the stream never carries proposal content.
 */
export function createLiveEvents(store: Store) {
  const open = new Set<ServerResponse>();

  return {
    attach(response: ServerResponse): void {
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        connection: 'keep-alive',
      });
      response.write('retry: 2000\n\n');
      const stop = store.onProposalChange((id) => response.write(`event: change\ndata: ${JSON.stringify({ id })}\n\n`));
      const heartbeat = setInterval(() => response.write(': keep-alive\n\n'), HEARTBEAT_MS);
      heartbeat.unref();
      open.add(response);
      response.once('close', () => {
        stop();
        clearInterval(heartbeat);
        open.delete(response);
      });
    },

    /** Ends every stream so the server can close (they would otherwise hold it open). */
    closeAll(): void {
      for (const response of open) response.end();
    },
  };
}
