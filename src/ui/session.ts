import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Signed sessions: the cookie carries `{sid, tid, exp}` and an HMAC-SHA256
 * under a key every replica derives from the server's key file, so a session
 * survives restarts and is valid on any replica. `tid` names the token used
 * to sign in, so each request re-checks that the credential still exists;
 * sign-out is recorded in the store (see ui-auth.ts), not here.
 */
export interface Session {
  sid: string;
  tid: string;
  exp: number;
  /** 'oidc' when the identity provider signed this person in (sign-out then ends the provider's session too). */
  via?: 'oidc';
}

export interface SessionKeeperOptions {
  ttlMs: number;
  clock: () => number;
  key?: Buffer;
}

const b64 = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export function createSessionKeeper({ ttlMs, clock, key = randomBytes(32) }: SessionKeeperOptions) {
  const mac = (purpose: string, data: string) => createHmac('sha256', key).update(`${purpose}.${data}`).digest();
  const sameMac = (given: string, expected: Buffer) => {
    const candidate = Buffer.from(given, 'base64url');
    return candidate.length === expected.length && timingSafeEqual(candidate, expected);
  };

  return {
    ttlMs,
    issue(tid: string, via?: 'oidc'): { cookie: string; session: Session } {
      const session: Session = { sid: b64(randomBytes(16)), tid, exp: clock() + ttlMs, ...(via ? { via } : {}) };
      const payload = b64(JSON.stringify(session));
      return { cookie: `${payload}.${b64(mac('session', payload))}`, session };
    },

    /** The session a cookie carries, if its signature holds and it has not expired. */
    read(cookie: string | undefined): Session | undefined {
      const [payload, signature, extra] = (cookie ?? '').split('.');
      if (!payload || !signature || extra !== undefined || !sameMac(signature, mac('session', payload))) return undefined;
      try {
        const session = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Session;
        if (typeof session.sid !== 'string' || typeof session.tid !== 'string' || typeof session.exp !== 'number') return undefined;
        if (session.exp <= clock()) return undefined;
        return session;
      } catch {
        return undefined;
      }
    },

    /** The CSRF token of a session (or of a sign-in nonce): derived, so nothing needs storing. */
    csrfToken: (sid: string): string => b64(mac('csrf', sid)),
    csrfMatches: (sid: string, given: unknown): boolean => typeof given === 'string' && sameMac(given, mac('csrf', sid)),
    nonce: (): string => b64(randomBytes(16)),
    /** Signs other short-lived cookie values (such as a sign-in in progress) under the same key. */
    seal: (purpose: string, data: string): string => `${data}.${b64(mac(purpose, data))}`,
    unseal(purpose: string, sealed: string | undefined): string | undefined {
      const [data, signature, extra] = (sealed ?? '').split('.');
      return data && signature && extra === undefined && sameMac(signature, mac(purpose, data)) ? data : undefined;
    },
  };
}

export type SessionKeeper = ReturnType<typeof createSessionKeeper>;
