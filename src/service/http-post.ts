import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

// Kept-alive connections, shared by every webhook: a busy gate sends many small posts.
// As many sockets per host as the sender has requests in flight, so no request
// spends its timeout queued for a socket and is then reported as unanswered.
export const MAX_IN_FLIGHT = 32;
const options = { keepAlive: true, maxSockets: MAX_IN_FLIGHT };
const agents = { 'http:': new HttpAgent(options), 'https:': new HttpsAgent(options) };

export interface PostResult {
  status: number;
  headers: IncomingHttpHeaders;
}

/**
 * POSTs `body` and resolves with the answer's status (the answer's body is
 * read and dropped). node:http costs far less CPU per request than fetch,
 * which matters when every decision fans out to several receivers. Redirects
 * are not followed. Rejects on network errors and when `signal` aborts.
 */
export function post(url: string, headers: Record<string, string>, body: string, signal: AbortSignal): Promise<PostResult> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      target,
      { method: 'POST', agent: agents[target.protocol as keyof typeof agents], headers: { ...headers, 'content-length': Buffer.byteLength(body) }, signal },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
