import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CountersignError, unauthenticated } from '../domain/errors.js';
import type { Identity } from '../domain/identity.js';
import type { IdentityService } from '../service/identity-service.js';
import { parseToken } from '../service/tokens.js';
import type { Store } from '../store/store.js';
import { parseCookies, serializeCookie } from './cookies.js';
import type { Session, SessionKeeper } from './session.js';
import { continuePage } from './oidc-pages.js';
import { signInPage, type SignInWays } from './sign-in-page.js';
import { csrfRefused, formFields, redirect, refuseForeignOrigin } from './ui-security.js';

export const SESSION_COOKIE = 'cs_session';
/** Holds the nonce a sign-in form's CSRF token is derived from (login CSRF). */
const SIGN_IN_COOKIE = 'cs_signin';
const SIGN_IN_WINDOW_S = 15 * 60;

export interface Viewer {
  identity: Identity;
  session: Session;
  csrf: string;
}

export interface UiAuthDeps {
  store: Store;
  identities: IdentityService;
  sessions: SessionKeeper;
  clock: () => number;
  /** Which ways of signing in the sign-in page offers (default: token only). */
  signIn?: SignInWays;
}

export function createUiAuth({ store, identities, sessions, clock, signIn = { token: true, oidc: false } }: UiAuthDeps) {
  const secure = (request: FastifyRequest) => (request.protocol === 'https' ? '; Secure' : '');

  /** The signed-in human behind a request; the token they signed in with must still exist. */
  async function viewerOf(request: FastifyRequest): Promise<Viewer | undefined> {
    const session = sessions.read(parseCookies(request.headers.cookie).get(SESSION_COOKIE));
    if (!session || (await store.sessionRevoked(session.sid))) return undefined;
    const record = await store.findCredential(session.tid);
    if (!record || record.identity.kind !== 'human') return undefined;
    return { identity: record.identity, session, csrf: sessions.csrfToken(session.sid) };
  }

  /** For state-changing posts: a session, a foreign-free origin and that session's CSRF token. */
  async function postingViewer(request: FastifyRequest, allowed: readonly string[]) {
    refuseForeignOrigin(request);
    const viewer = await viewerOf(request);
    if (!viewer) throw unauthenticated('Your session has ended; sign in again.');
    const form = formFields(request, allowed);
    if (!sessions.csrfMatches(viewer.session.sid, form.csrf)) throw csrfRefused();
    return { viewer, form };
  }

  /** The one place a session cookie is made: for the token sign-in here and for the identity provider's. */
  function startSession(reply: FastifyReply, request: FastifyRequest, tokenId: string, via?: 'oidc'): Session {
    const { cookie, session } = sessions.issue(tokenId, via);
    reply.header('set-cookie', [
      serializeCookie(SESSION_COOKIE, cookie, { maxAgeSeconds: sessions.ttlMs / 1000 }) + secure(request),
      serializeCookie(SIGN_IN_COOKIE, '', { maxAgeSeconds: 0 }),
    ]);
    return session;
  }

  function routes(app: FastifyInstance, signedOut?: (viewer: Viewer) => Promise<string | undefined>): void {
    app.get('/sign-in', async (request, reply) => {
      if (await viewerOf(request)) return redirect(reply, '/');
      const nonce = sessions.nonce();
      reply.header('set-cookie', serializeCookie(SIGN_IN_COOKIE, nonce, { maxAgeSeconds: SIGN_IN_WINDOW_S }) + secure(request));
      return reply.type('text/html; charset=utf-8').send(signInPage(clock(), sessions.csrfToken(nonce), undefined, signIn).value);
    });

    app.post('/sign-in', async (request, reply) => {
      refuseForeignOrigin(request);
      const form = formFields(request, ['csrf', 'token']);
      const nonce = parseCookies(request.headers.cookie).get(SIGN_IN_COOKIE);
      if (!nonce || !sessions.csrfMatches(nonce, form.csrf)) throw csrfRefused();
      const again = (status: number, message: string) =>
        reply.code(status).type('text/html; charset=utf-8').send(signInPage(clock(), sessions.csrfToken(nonce), message, signIn).value);
      if (!signIn.token) return again(403, 'Token sign-in is turned off here; sign in with your identity provider.');
      let identity: Identity;
      try {
        identity = await identities.authenticate(form.token?.trim());
      } catch (error) {
        if (CountersignError.is(error) && error.status === 401) return again(401, 'That token is not valid.');
        throw error;
      }
      if (identity.kind !== 'human') return again(403, `"${identity.name}" is an agent; only people sign in to decide.`);
      startSession(reply, request, parseToken(form.token!.trim())!.token_id);
      return redirect(reply, '/');
    });

    app.post('/sign-out', async (request, reply) => {
      const { viewer } = await postingViewer(request, ['csrf']);
      await store.revokeSession(viewer.session.sid, viewer.session.exp, clock());
      reply.header('set-cookie', serializeCookie(SESSION_COOKIE, '', { maxAgeSeconds: 0 }));
      const provider = await signedOut?.(viewer);
      if (provider) return reply.type('text/html; charset=utf-8').send(continuePage(clock(), provider, 'Signed out here; now at your identity provider.').value);
      return redirect(reply, '/sign-in');
    });
  }

  return { viewerOf, postingViewer, startSession, routes };
}

export type UiAuth = ReturnType<typeof createUiAuth>;
