import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface TestUser {
  email?: string;
  email_verified?: boolean;
}

export interface TestClient {
  client_id: string;
  client_secret: string;
}

/**
 * A real OpenID Provider (oidc-provider) on a loopback port. Its sign-in page
 * is the provider's own development page: any login names the account, whose
 * claims come from `users`. Clients are native apps (loopback redirect URIs on
 * any port), for which the provider always asks consent: login, then Continue.
 */
export async function startIdp(users: Record<string, TestUser>) {
  let handle: (request: IncomingMessage, response: ServerResponse) => void = (_request, response) => response.writeHead(503).end();
  const server = createServer((request, response) => handle(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const signingKey = { ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' };

  /** Clients are registered once the relying party's address is known; until then the provider only serves its discovery document. */
  function configure(clients: Array<TestClient & { base?: string }>) {
    const provider = new Provider(issuer, {
      clients: clients.map(({ client_id, client_secret, base }) => ({
        client_id,
        client_secret,
        token_endpoint_auth_method: 'client_secret_post',
        application_type: 'native', // loopback redirect URIs
        redirect_uris: [`${base ?? 'http://127.0.0.1'}/sign-in/oidc/callback`],
        post_logout_redirect_uris: [`${base ?? 'http://127.0.0.1'}/sign-in`],
      })),
      jwks: { keys: [signingKey] },
      cookies: { keys: ['test cookie key'] },
      pkce: { required: () => true },
      claims: { openid: ['sub'], email: ['email', 'email_verified'] },
      features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
      findAccount: (_ctx: unknown, sub: string) => users[sub] && { accountId: sub, claims: () => ({ sub, ...users[sub] }) },
    });
    handle = provider.callback();
  }

  configure([]);
  return {
    issuer,
    configure,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
