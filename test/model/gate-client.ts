import { Agent, request } from 'node:http';
import type { ApiResponse } from '../support/harness.js';

/**
 * Plain HTTP/1.1 over kept-alive loopback sockets. The model test makes
 * thousands of calls; `fetch` spends several times the CPU of the server's
 * own work on each, which on a busy machine decides how many sequences fit.
 */
const agent = new Agent({ keepAlive: true, maxSockets: 4 });

export function call(baseUrl: string, token: string | undefined, method: string, path: string, body?: unknown): Promise<ApiResponse> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(`${baseUrl}${path}`, {
      method,
      agent,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
      },
    });
    req.once('error', reject);
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('error', reject);
      res.once('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : undefined, contentType: res.headers['content-type'] ?? null });
        } catch (error) {
          reject(new Error(`${method} ${path}: ${res.statusCode} with a body that is not JSON: ${text.slice(0, 200)}`, { cause: error }));
        }
      });
    });
    req.end(payload);
  });
}

/** Closes the kept-alive sockets, so servers can close at once. */
export const closeClient = () => agent.destroy();
