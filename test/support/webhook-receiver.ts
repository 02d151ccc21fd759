import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/**
 * A real HTTP server on loopback that records every request. `respond`
 * decides each answer (status code, or `'hang'` to never answer).
 */
export async function startWebhookReceiver(respond: (request: ReceivedRequest, index: number) => number | 'hang' = () => 200) {
  const received: ReceivedRequest[] = [];
  const hanging: ServerResponse[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = { path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      received.push(request);
      const answer = respond(request, received.length - 1);
      if (answer === 'hang') hanging.push(res);
      else res.writeHead(answer).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    /** Requests to one path, bodies parsed. */
    at: (path: string) => received.filter((r) => r.path === path),
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * Requests in the audit log's order (the seq in their delivery id), not in
 * arrival order: deliveries go out concurrently, so they may arrive in any order.
 */
export function inLogOrder<R extends { headers: IncomingHttpHeaders }>(requests: R[]): R[] {
  const seq = (r: R) => Number(/\/seq-(\d+)$/.exec(String(r.headers['x-countersign-delivery']))?.[1] ?? NaN);
  return [...requests].sort((a, b) => seq(a) - seq(b));
}
