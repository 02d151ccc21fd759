import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest();
const b64url = (bytes: Buffer | Uint8Array) => Buffer.from(bytes).toString('base64url');

/** Authenticator data flags (WebAuthn §6.1): user present, user verified, attested credential data included. */
export const UP = 0x01;
export const UV = 0x04;
const AT = 0x40;

/**
 * A software authenticator with one ES256 (P-256) credential, producing
 * registration and assertion responses as a browser returns them
 * (WebAuthn Level 3 §6.1, §6.5, §7.1, §7.2). Its counter grows by one per assertion.
 */
export function softwarePasskey(origin: string, rpId = new URL(origin).hostname) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const credentialId = randomBytes(16);
  let counter = 0;
  // COSE_Key (RFC 9053 §7.1): kty EC2, alg ES256, crv P-256, x, y.
  const coseKey = isoCBOR.encode(new Map<number, number | Uint8Array>([
    [1, 2], [3, -7], [-1, 1], [-2, Buffer.from(jwk.x!, 'base64url')], [-3, Buffer.from(jwk.y!, 'base64url')],
  ]));
  const authData = (flags: number, extra: Buffer = Buffer.alloc(0)) => {
    const count = Buffer.alloc(4);
    count.writeUInt32BE(counter);
    return Buffer.concat([sha256(rpId), Buffer.from([flags]), count, extra]);
  };
  const clientData = (type: string, challenge: string, at = origin) => Buffer.from(JSON.stringify({ type, challenge, origin: at, crossOrigin: false }));

  return {
    id: b64url(credentialId),
    coseKey: b64url(coseKey),

    /** A `navigator.credentials.create` response (attestation "none") to the server's options. */
    register(options: { challenge: string }) {
      const attested = Buffer.concat([Buffer.alloc(16), Buffer.from([0, credentialId.length]), credentialId, Buffer.from(coseKey)]);
      const attestationObject = isoCBOR.encode(new Map<string, unknown>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData(UP | UV | AT, attested)]]) as Parameters<typeof isoCBOR.encode>[0]);
      return {
        id: b64url(credentialId),
        rawId: b64url(credentialId),
        type: 'public-key',
        response: { clientDataJSON: b64url(clientData('webauthn.create', options.challenge)), attestationObject: b64url(attestationObject), transports: ['internal'] },
        clientExtensionResults: {},
        authenticatorAttachment: 'platform',
      };
    },

    /** An assertion over `challenge` (base64url), as the decision body carries it; `flags` and `origin` can be wrong on purpose. */
    assert(challenge: string, { flags = UP | UV, origin: at = origin }: { flags?: number; origin?: string } = {}) {
      counter += 1;
      const authenticatorData = authData(flags);
      const clientDataJSON = clientData('webauthn.get', challenge, at);
      const signature = sign('sha256', Buffer.concat([authenticatorData, sha256(clientDataJSON)]), privateKey);
      return { authenticator_data: b64url(authenticatorData), client_data_json: b64url(clientDataJSON), signature: b64url(signature) };
    },
  };
}

export type SoftwarePasskey = ReturnType<typeof softwarePasskey>;
