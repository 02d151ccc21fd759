import type { Problem } from '../contract/problem-codes.js';
import { ApiError, InvalidProposal, NotAuthorized, ServerError, ServerUnreachable, UnexpectedResponse } from './errors.js';

export interface HttpOptions {
  url: string;
  token: string;
  fetch?: typeof fetch;
}

export type Request = <T>(method: 'GET' | 'POST', path: string, body?: unknown, signal?: AbortSignal, headers?: Record<string, string>) => Promise<T>;

/** One JSON request; refusals become typed errors, transport failures `ServerUnreachable`. */
export function createRequest({ url, token, fetch: fetchImpl = globalThis.fetch }: HttpOptions): Request {
  const base = url.replace(/\/+$/, '');
  return async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown, signal?: AbortSignal, headers: Record<string, string> = {}): Promise<T> {
    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(`${base}${path}`, {
        method,
        headers: { ...headers, authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) throw signal.reason ?? error;
      throw new ServerUnreachable(base, error);
    }
    // A proxy in front of a restarting server answers 502–504: the server is away, not refusing.
    if (response.status >= 502 && response.status <= 504) throw new ServerUnreachable(base, new Error(`HTTP ${response.status}`));
    const payload = parse(text);
    if (payload === NOT_JSON) throw new UnexpectedResponse(base, response.status);
    if (response.ok) return payload as T;
    throw problemError(response.status, method, path, (payload ?? {}) as Partial<Problem>);
  };
}

const NOT_JSON = Symbol('not JSON');

function parse(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}

function problemError(status: number, method: string, path: string, problem: Partial<Problem>): ApiError {
  if (status >= 500) return new ServerError(status, problem);
  if (status === 401 || status === 403) return new NotAuthorized(status, problem);
  if (status === 400 && method === 'POST' && path === '/v1/proposals') return new InvalidProposal(status, problem);
  return new ApiError(status, problem);
}
