import { createRequest } from '../sdk/http.js';
import { CliError } from './cli-error.js';

export interface ClientOptions {
  server: string;
  token: string | undefined;
}

/**
 * The SDK's request, as the client commands call it: one JSON call per
 * command. Failures are the SDK's typed errors; cli-exit.ts words them.
 */
export function apiClient({ server, token }: ClientOptions) {
  if (!token) throw new CliError('set COUNTERSIGN_TOKEN to your identity\'s token (from "countersign identity add")', 'invalid_input');
  const request = createRequest({ url: server, token });
  return <T>(method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> =>
    request<T>(method, path, body, undefined, headers);
}

export type ApiCall = ReturnType<typeof apiClient>;
