import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, type Proposal, ServerError, ServerUnreachable, UnexpectedResponse } from '../../src/sdk/index.js';
import { freePort } from '../support/serve-process.js';

interface Answer {
  status: number;
  type?: string;
  body: string;
}

const json = (status: number, value: unknown): Answer => ({ status, type: status >= 400 ? 'application/problem+json' : 'application/json', body: JSON.stringify(value) });
const approved = { id: 'p1', status: 'approved', action_hash: 'sha256:x' } as Proposal;

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A stand-in for a server (or the proxy in front of it) that gives these answers in turn; counts the requests. */
async function scripted(answers: Answer[]) {
  const seen: string[] = [];
  server = createServer((request, response) => {
    seen.push(`${request.method} ${request.url}`);
    const answer = answers[Math.min(seen.length, answers.length) - 1]!;
    response.writeHead(answer.status, answer.type ? { 'content-type': answer.type } : {}).end(answer.body);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { url, seen };
}

const fastRetries = { retry: { initialDelayMs: 5, maxDelayMs: 20 } };

describe('the SDK facing failures', () => {
  it('retries 502, 503 and 504 (the server away, or a proxy saying so) and carries on', async () => {
    const { url, seen } = await scripted([{ status: 502, body: '<html>Bad Gateway</html>' }, json(503, { status: 503 }), { status: 504, body: '' }, json(200, approved)]);
    const client = createClient({ url, token: 't', gate: fastRetries });
    expect(await client.gate.awaitApproval('p1')).toMatchObject({ status: 'approved' });
    expect(seen).toHaveLength(4);
  });

  it('never retries a 500: it throws ServerError with the request id the server logged', async () => {
    const problem = { type: 'urn:countersign:problem:internal', title: 'Internal error', status: 500, code: 'internal', detail: 'logged under request id r-1', request_id: 'r-1' };
    const { url, seen } = await scripted([json(500, problem), json(200, approved)]);
    const client = createClient({ url, token: 't', gate: fastRetries });
    const error = await client.gate.awaitApproval('p1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ status: 500, kind: 'internal', requestId: 'r-1' });
    expect(seen).toHaveLength(1);
  });

  it('gives up waiting with ServerUnreachable once the server has been away for waitRetryMs', async () => {
    const url = `http://127.0.0.1:${await freePort()}`; // nothing listens here
    let attempts = 0;
    const countingFetch: typeof fetch = (input, init) => {
      attempts++;
      return fetch(input, init);
    };
    const client = createClient({ url, token: 't', fetch: countingFetch, gate: { ...fastRetries, waitRetryMs: 200 } });
    const error = await client.gate.awaitApproval('p1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerUnreachable);
    expect(attempts).toBeGreaterThanOrEqual(1);
  });

  it('refuses an answer that is not JSON, even a 200, naming the URL to check', async () => {
    const { url } = await scripted([{ status: 200, type: 'text/html', body: '<html>not countersign</html>' }]);
    const error = await createClient({ url, token: 't' }).get('p1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnexpectedResponse);
    expect(error).toMatchObject({ status: 200, url });
  });
});
