import { describe, expect, it } from 'vitest';
import { createSessionKeeper } from './session.js';

describe('session cookies', () => {
  const clock = Object.assign(() => clock.now, { now: 1_000_000 });
  const keeper = () => createSessionKeeper({ ttlMs: 60_000, clock });

  it('reads back a session it issued, until it expires', () => {
    const sessions = keeper();
    const { cookie } = sessions.issue('abcdef0123456789');
    expect(sessions.read(cookie)).toMatchObject({ tid: 'abcdef0123456789' });
    clock.now += 60_000;
    expect(sessions.read(cookie)).toBeUndefined();
    clock.now -= 60_000;
  });

  it('refuses a cookie whose payload was changed, or that another server key signed', () => {
    const sessions = keeper();
    const { cookie } = sessions.issue('abcdef0123456789');
    const [payload, mac] = cookie.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), tid: 'ffffffffffffffff' })).toString('base64url');
    expect(sessions.read(`${forged}.${mac}`)).toBeUndefined();
    expect(keeper().read(cookie)).toBeUndefined();
    expect(sessions.read('garbage')).toBeUndefined();
  });

  it('accepts a session signed by another keeper with the same key (another replica, or after a restart)', () => {
    const key = Buffer.alloc(32, 9);
    const { cookie, session } = createSessionKeeper({ ttlMs: 60_000, clock, key }).issue('abcdef0123456789');
    expect(createSessionKeeper({ ttlMs: 60_000, clock, key }).read(cookie)).toEqual(session);
    expect(createSessionKeeper({ ttlMs: 60_000, clock, key: Buffer.alloc(32, 8) }).read(cookie)).toBeUndefined();
  });

  it('ties a CSRF token to one session', () => {
    const sessions = keeper();
    const a = sessions.issue('abcdef0123456789').session;
    const b = sessions.issue('abcdef0123456789').session;
    expect(sessions.csrfMatches(a.sid, sessions.csrfToken(a.sid))).toBe(true);
    expect(sessions.csrfMatches(a.sid, sessions.csrfToken(b.sid))).toBe(false);
    expect(sessions.csrfMatches(a.sid, undefined)).toBe(false);
  });
});
