import { CliError } from './cli-error.js';
import { type Problem, problemText } from './problem-text.js';

export interface ClientOptions {
  server: string;
  token: string | undefined;
}

/** A thin JSON client for the HTTP API; problems become one-line CLI errors. */
export function apiClient({ server, token }: ClientOptions) {
  if (!token) throw new CliError('set COUNTERSIGN_TOKEN to your identity\'s token (from "countersign identity add")', 2);
  const base = server.replace(/\/+$/, '');
  return async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: { ...headers, authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new CliError(`cannot reach ${base} (${(error as Error & { cause?: Error }).cause?.message ?? (error as Error).message}); is "countersign serve" running? Set --server or COUNTERSIGN_URL`, 1);
    }
    const text = await response.text();
    let payload: unknown;
    try {
      payload = text ? JSON.parse(text) : undefined;
    } catch {
      throw new CliError(`${base} answered ${response.status} without JSON; is --server (or COUNTERSIGN_URL) a Countersign server?`, 1);
    }
    if (response.ok) return payload as T;
    const message = `${response.status} ${problemText((payload ?? {}) as Problem, response.statusText)}`;
    throw new CliError(message, response.status === 400 ? 2 : 1);
  };
}

export type ApiCall = ReturnType<typeof apiClient>;
