import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Stateless signed sessions: the cookie carries `{sid, tid, exp}` and an
 * HMAC-SHA256 under a key made at start-up. Nothing is stored, so the Store
 * interface stays as it is; the price is that a restart signs everyone out.
 * `tid` names the token used to sign in, so each request re-checks that the
 * credential still exists. Sign-out revokes the sid in memory until it expires.
 */
export interface Session {
  sid: string;
  tid: string;
  exp: number;
}

export interface SessionKeeperOptions {
  ttlMs: number;
  clock: () => number;
  key?: Buffer;
}

const b64 = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export function createSessionKeeper({ ttlMs, clock, key = randomBytes(32) }: SessionKeeperOptions) {
  const revoked = new Map<string, number>();
  const mac = (purpose: string, data: string) => createHmac('sha256', key).update(`${purpose}.${data}`).digest();
  const sameMac = (given: string, expected: Buffer) => {
    const candidate = Buffer.from(given, 'base64url');
    return candidate.length === expected.length && timingSafeEqual(candidate, expected);
  };
  const prune = () => {
    for (const [sid, exp] of revoked) if (exp <= clock()) revoked.delete(sid);
  };

  return {
    ttlMs,
    issue(tid: string): { cookie: string; session: Session } {
      const session = { sid: b64(randomBytes(16)), tid, exp: clock() + ttlMs };
      const payload = b64(JSON.stringify(session));
      return { cookie: `${payload}.${b64(mac('session', payload))}`, session };
    },

    /** The session a cookie carries, if its signature holds and it is neither expired nor revoked. */
    read(cookie: string | undefined): Session | undefined {
      const [payload, signature, extra] = (cookie ?? '').split('.');
      if (!payload || !signature || extra !== undefined || !sameMac(signature, mac('session', payload))) return undefined;
      try {
        const session = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Session;
        if (typeof session.sid !== 'string' || typeof session.tid !== 'string' || typeof session.exp !== 'number') return undefined;
        if (session.exp <= clock() || revoked.has(session.sid)) return undefined;
        return session;
      } catch {
        return undefined;
      }
    },

    revoke(session: Session): void {
      prune();
      revoked.set(session.sid, session.exp);
    },

    /** The CSRF token of a session (or of a sign-in nonce): derived, so nothing needs storing. */
    csrfToken: (sid: string): string => b64(mac('csrf', sid)),
    csrfMatches: (sid: string, given: unknown): boolean => typeof given === 'string' && sameMac(given, mac('csrf', sid)),
    nonce: (): string => b64(randomBytes(16)),
  };
}

export type SessionKeeper = ReturnType<typeof createSessionKeeper>;
