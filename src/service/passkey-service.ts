import { generateRegistrationOptions, type RegistrationResponseJSON, verifyRegistrationResponse } from '@simplewebauthn/server';
import { coseKey, PASSKEY_ALGORITHM_IDS } from '../contract/passkey-assertion.js';
import type { RelyingParty } from '../domain/decision-signature.js';
import { conflict, invalidInput } from '../domain/errors.js';
import type { Identity } from '../domain/identity.js';
import { registerPasskey, type SigningKey } from '../domain/signing-key.js';
import type { KeyStore } from '../store/key-store.js';

export interface PasskeyServiceDeps {
  keys: KeyStore;
  clock: () => number;
}

/** Registering a person's passkeys (WebAuthn); listing and revoking go through the key service like any key. */
export function createPasskeyService({ keys, clock }: PasskeyServiceDeps) {
  const passkeysOf = async (identity: string) => (await keys.listKeys(identity)).filter((k) => k.kind === 'passkey');

  return {
    passkeysOf,

    /** The browser's `navigator.credentials.create` options: user verification required, no attestation asked. */
    async registrationOptions(actor: Identity, rp: RelyingParty, challenge: string) {
      const existing = await passkeysOf(actor.name);
      return generateRegistrationOptions({
        rpName: 'Countersign',
        rpID: rp.rp_id,
        userName: actor.name,
        userID: new Uint8Array(Buffer.from(actor.name, 'utf8')),
        challenge: new Uint8Array(Buffer.from(challenge, 'base64url')),
        attestationType: 'none',
        excludeCredentials: existing.filter((k) => !k.revoked_at).map((k) => ({ id: k.key_id })),
        authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
        supportedAlgorithmIDs: PASSKEY_ALGORITHM_IDS,
      });
    },

    /** Verifies the browser's registration response against the challenge it was given, and stores the passkey with its audit event. */
    async register(actor: Identity, rp: RelyingParty, response: unknown, challenge: string, label: string | undefined): Promise<SigningKey> {
      let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
      try {
        verified = await verifyRegistrationResponse({
          response: response as RegistrationResponseJSON,
          expectedChallenge: challenge,
          expectedOrigin: rp.origin,
          expectedRPID: rp.rp_id,
          requireUserVerification: true,
          supportedAlgorithmIDs: PASSKEY_ALGORITHM_IDS,
        });
      } catch (error) {
        throw invalidInput([{ field: 'credential', message: `the passkey registration does not verify: ${(error as Error).message}` }]);
      }
      const info = verified.registrationInfo;
      if (!verified.verified || !info) throw invalidInput([{ field: 'credential', message: 'the passkey registration does not verify; try again' }]);
      const publicKey = Buffer.from(info.credential.publicKey).toString('base64url');
      const { name: algorithm } = coseKey(publicKey);
      const passkey = { credential_id: info.credential.id, public_key: publicKey, algorithm, sign_count: info.credential.counter, rp_id: rp.rp_id };
      const { key, events } = registerPasskey(actor, passkey, label, clock());
      if (await keys.insertKey(key, events)) return key;
      throw conflict('key_exists', `This passkey is registered already (as "${key.key_id}").`);
    },
  };
}

export type PasskeyService = ReturnType<typeof createPasskeyService>;
