import type { FastifyRequest } from 'fastify';
import type { RelyingParty } from '../domain/decision-signature.js';

/**
 * The WebAuthn relying party passkeys are bound to: the configured public URL
 * (`notifications.public_url`) when there is one, which a proxy in front
 * needs, else the origin the request was made on. Its host is the RP ID.
 */
export function relyingPartyOf(request: FastifyRequest, publicUrl: string | undefined): RelyingParty {
  const origin = publicUrl ? new URL(publicUrl).origin : `${request.protocol}://${request.host}`;
  return { origin, rp_id: new URL(origin).hostname };
}
