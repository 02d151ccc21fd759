import type { ServeOptions } from '../server/serve.js';
import { usageError } from './cli-error.js';

export interface OidcFlags {
  oidcIssuer?: string;
  oidcClientId?: string;
  oidcClientSecretFile?: string;
  oidcLinkEmail?: boolean;
  publicUrl?: string;
  tokenSignIn: boolean;
}

/** The identity-provider part of `serve`'s options; the secret is only ever read from its file. */
export function oidcOptions(flags: OidcFlags): Pick<ServeOptions, 'oidc' | 'tokenSignIn'> {
  if (!flags.oidcIssuer) {
    if (flags.oidcClientId || flags.oidcClientSecretFile || flags.oidcLinkEmail) throw usageError('--oidc-client-id, --oidc-client-secret-file and --oidc-link-email need --oidc-issuer');
    if (!flags.tokenSignIn) throw usageError('--no-token-sign-in needs --oidc-issuer, or nobody could sign in to the UI');
    return {};
  }
  if (!flags.oidcClientId) throw usageError('--oidc-issuer needs --oidc-client-id (or COUNTERSIGN_OIDC_CLIENT_ID)');
  return {
    oidc: { issuer: flags.oidcIssuer, clientId: flags.oidcClientId, clientSecretFile: flags.oidcClientSecretFile, publicUrl: flags.publicUrl, linkEmail: !!flags.oidcLinkEmail },
    tokenSignIn: flags.tokenSignIn,
  };
}
