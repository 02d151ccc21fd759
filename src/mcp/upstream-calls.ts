import { randomUUID } from 'node:crypto';
import type { Message, Response } from './json-rpc.js';

/**
 * Requests the gateway itself sends upstream (an approved `tools/call`, a
 * `tools/list` to learn annotations). Their responses are taken here and
 * never reach the client.
 */
export function createUpstreamCalls(send: (message: Message) => Promise<void>) {
  // A random prefix, so no id a client picks can collide with the gateway's own.
  const prefix = `countersign-gateway-${randomUUID()}-`;
  let next = 0;
  const waiting = new Map<string, { resolve: (r: Response) => void; reject: (e: Error) => void }>();
  return {
    request(method: string, params: Record<string, unknown>): Promise<Response> {
      const id = `${prefix}${++next}`;
      return new Promise<Response>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        send({ jsonrpc: '2.0', id, method, params }).catch((error: Error) => {
          waiting.delete(id);
          reject(error);
        });
      });
    },
    /** Takes a response meant for the gateway; returns false for anyone else's. */
    settle(response: Response): boolean {
      const entry = typeof response.id === 'string' ? waiting.get(response.id) : undefined;
      if (!entry) return false;
      waiting.delete(response.id as string);
      entry.resolve(response);
      return true;
    },
    failAll(error: Error): void {
      for (const entry of waiting.values()) entry.reject(error);
      waiting.clear();
    },
  };
}

export type UpstreamCalls = ReturnType<typeof createUpstreamCalls>;
