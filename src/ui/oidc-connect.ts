import { readFile } from 'node:fs/promises';
import * as client from 'openid-client';
import { invalidInput } from '../domain/errors.js';

/** How `serve` signs people in through an OpenID Provider (all from flags or COUNTERSIGN_OIDC_* variables). */
export interface OidcOptions {
  issuer: string;
  clientId: string;
  /** A file holding the client secret; without it the client is public and PKCE alone protects the code. */
  clientSecretFile?: string;
  /** This server's address as browsers reach it: the redirect URI is `<publicUrl>/sign-in/oidc/callback` (default: the address it listens on). */
  publicUrl?: string;
  /** Also link a person by an e-mail address the provider marks `email_verified: true`. */
  linkEmail?: boolean;
}

export interface OidcConnection {
  config: client.Configuration;
  issuer: string;
  clientId: string;
  /** Set once `serve` listens when no public URL was given. */
  publicUrl: string;
  linkEmail: boolean;
}

export const redirectUriOf = (oidc: OidcConnection): string => `${oidc.publicUrl}/sign-in/oidc/callback`;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

function urlOption(field: string, value: string): URL {
  try {
    const url = new URL(value);
    if (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname))) return url;
  } catch {
    // reported below
  }
  throw invalidInput([{ field, message: `must be an https URL (http only on loopback), got "${value}"` }]);
}

/**
 * Reads the provider's discovery document once at start-up, so a wrong or
 * unreachable issuer stops `serve` with one line instead of failing at the
 * first sign-in. openid-client then checks issuer, audience, state, nonce and
 * PKCE on every callback.
 */
export async function connectOidc(options: OidcOptions): Promise<OidcConnection> {
  const issuerUrl = urlOption('--oidc-issuer', options.issuer);
  const publicUrl = options.publicUrl === undefined ? '' : urlOption('--public-url', options.publicUrl).origin;
  if (!options.clientId) throw invalidInput([{ field: '--oidc-client-id', message: 'is required with --oidc-issuer' }]);
  let secret: string | undefined;
  if (options.clientSecretFile) {
    secret = (await readFile(options.clientSecretFile, 'utf8').catch((error: Error) => {
      throw invalidInput([{ field: '--oidc-client-secret-file', message: `cannot be read (${error.message})` }]);
    })).trim();
    if (!secret) throw invalidInput([{ field: '--oidc-client-secret-file', message: `${options.clientSecretFile} is empty` }]);
  }
  const insecure = issuerUrl.protocol === 'http:';
  let config: client.Configuration;
  try {
    config = await client.discovery(issuerUrl, options.clientId, secret, secret ? client.ClientSecretPost(secret) : client.None(), {
      execute: insecure ? [client.allowInsecureRequests] : [],
      timeout: 10,
    });
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause;
    const why = [(error as Error).message, cause?.message].filter(Boolean).join(': ');
    throw invalidInput([{ field: '--oidc-issuer', message: `cannot read the OpenID configuration of ${issuerUrl.href} (${why})` }]);
  }
  if (insecure) client.allowInsecureRequests(config);
  return { config, issuer: config.serverMetadata().issuer, clientId: options.clientId, publicUrl, linkEmail: !!options.linkEmail };
}
