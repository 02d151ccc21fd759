import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as client from 'openid-client';
import type { AuditEventInput } from '../domain/audit-event.js';
import type { Store } from '../store/store.js';
import { parseCookies, serializeCookie } from './cookies.js';
import { type OidcConnection, redirectUriOf } from './oidc-connect.js';
import { continuePage, oidcRefusedPage } from './oidc-pages.js';
import type { SessionKeeper } from './session.js';
import type { SafeHtml } from './html.js';
import type { Viewer } from './ui-auth.js';
import { redirect } from './ui-security.js';

/** The sign-in in progress: PKCE verifier, state and nonce, sealed in a cookie that only the callback path receives. */
const FLOW_COOKIE = 'cs_oidc';
const FLOW_PATH = '/sign-in/oidc';
const FLOW_WINDOW_MS = 10 * 60_000;
const SEAL = 'oidc flow';

interface Flow {
  state: string;
  nonce: string;
  verifier: string;
  exp: number;
}

export interface OidcSignInDeps {
  oidc: OidcConnection;
  store: Store;
  sessions: SessionKeeper;
  clock: () => number;
  /** Sets the session cookie: ui-auth stays the one place that knows it. */
  startSession(reply: FastifyReply, request: FastifyRequest, tokenId: string): { sid: string };
}

class Refusal extends Error {
  constructor(readonly code: string, message: string, readonly subject?: string) {
    super(message);
  }
}

/** OpenID Connect sign-in (authorization code + PKCE S256) for people; refusals are pages and audit events. */
export function createOidcSignIn({ oidc, store, sessions, clock, startSession }: OidcSignInDeps) {
  const at = () => new Date(clock()).toISOString();
  const page = (reply: FastifyReply, status: number, body: SafeHtml) => reply.code(status).type('text/html; charset=utf-8').send(body.value);
  const secure = (request: FastifyRequest) => (request.protocol === 'https' || oidc.publicUrl.startsWith('https:') ? '; Secure' : '');

  function readFlow(request: FastifyRequest): Flow | undefined {
    const sealed = sessions.unseal(SEAL, parseCookies(request.headers.cookie).get(FLOW_COOKIE));
    if (!sealed) return undefined;
    try {
      const flow = JSON.parse(Buffer.from(sealed, 'base64url').toString('utf8')) as Flow;
      return flow.exp > clock() ? flow : undefined;
    } catch {
      return undefined;
    }
  }

  async function refuse(reply: FastifyReply, refusal: Refusal, audited: boolean) {
    if (audited) {
      const event: AuditEventInput = {
        at: at(), type: 'attempt.refused', proposal_id: null, actor: refusal.subject ? `oidc:${refusal.subject}` : 'oidc',
        reason: refusal.message, data: { attempt: 'sign_in', code: refusal.code, method: 'oidc', issuer: oidc.issuer, ...(refusal.subject ? { subject: refusal.subject } : {}) },
      };
      await store.appendAuditEvents([event]);
    }
    return page(reply, refusal.code === 'unknown_subject' ? 403 : 401, oidcRefusedPage(clock(), refusal.message, refusal.subject));
  }

  /** The identity a verified ID token names: by subject, else by verified e-mail when that is on. */
  async function linkedIdentity(claims: client.IDToken, accessToken: string) {
    const bySubject = await store.findByOidcSubject(claims.sub);
    if (bySubject || !oidc.linkEmail) return bySubject;
    // Many providers put e-mail claims only in UserInfo; openid-client checks its `sub` is the ID token's.
    const email = claims.email === undefined ? await client.fetchUserInfo(oidc.config, accessToken, claims.sub) : claims;
    if (email.email_verified === true && typeof email.email === 'string') return store.findByEmail(email.email.toLowerCase());
    return undefined;
  }

  async function callback(request: FastifyRequest, reply: FastifyReply) {
    const flow = readFlow(request);
    if (!flow) return refuse(reply, new Refusal('sign_in_expired', 'This sign-in was not started here or has expired. Start again from the sign-in page.'), false);
    // A state is good for one callback on any replica: the second use of the same URL is a replay.
    const used = `oidc-state:${flow.state}`;
    if (await store.sessionRevoked(used)) return refuse(reply, new Refusal('replayed_state', 'This sign-in answer was already used. Start again from the sign-in page.'), true);
    await store.revokeSession(used, flow.exp, clock());
    let claims: client.IDToken;
    let accessToken: string;
    try {
      const tokens = await client.authorizationCodeGrant(oidc.config, new URL(request.url, oidc.publicUrl), {
        pkceCodeVerifier: flow.verifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      });
      claims = tokens.claims()!;
      accessToken = tokens.access_token;
    } catch (error) {
      return refuse(reply, providerRefusal(error), true);
    }
    const record = await linkedIdentity(claims, accessToken);
    if (!record || record.identity.kind !== 'human') {
      return refuse(reply, new Refusal('unknown_subject', `Your identity provider signed you in as "${claims.sub}", but no Countersign identity is linked to it.`, claims.sub), true);
    }
    const { sid } = startSession(reply, request, record.token_id);
    await store.appendAuditEvents([{
      at: at(), type: 'session.started', proposal_id: null, actor: record.identity.name, reason: null,
      data: { method: 'oidc', issuer: oidc.issuer, subject: claims.sub, sid },
    }]);
    return page(reply, 200, continuePage(clock(), '/', 'Signed in.'));
  }

  function routes(app: FastifyInstance): void {
    app.get(FLOW_PATH, async (request, reply) => {
      const flow: Flow = { state: client.randomState(), nonce: client.randomNonce(), verifier: client.randomPKCECodeVerifier(), exp: clock() + FLOW_WINDOW_MS };
      const sealed = sessions.seal(SEAL, Buffer.from(JSON.stringify(flow)).toString('base64url'));
      // Lax: the provider's redirect back is a cross-site navigation, and it must carry this cookie.
      reply.header('set-cookie', serializeCookie(FLOW_COOKIE, sealed, { maxAgeSeconds: FLOW_WINDOW_MS / 1000, path: FLOW_PATH, sameSite: 'Lax' }) + secure(request));
      const to = client.buildAuthorizationUrl(oidc.config, {
        redirect_uri: redirectUriOf(oidc),
        scope: oidc.linkEmail ? 'openid email' : 'openid',
        state: flow.state,
        nonce: flow.nonce,
        code_challenge: await client.calculatePKCECodeChallenge(flow.verifier),
        code_challenge_method: 'S256',
      });
      return redirect(reply, to.href);
    });
    app.get(`${FLOW_PATH}/callback`, callback);
  }

  /** Records the end of an identity-provider session; where the browser goes next (the provider's logout when it offers one). */
  async function signedOut(viewer: Viewer): Promise<string | undefined> {
    if (viewer.session.via !== 'oidc') return undefined;
    await store.appendAuditEvents([{
      at: at(), type: 'session.ended', proposal_id: null, actor: viewer.identity.name, reason: null,
      data: { method: 'oidc', issuer: oidc.issuer, sid: viewer.session.sid },
    }]);
    if (!oidc.config.serverMetadata().end_session_endpoint) return undefined;
    return client.buildEndSessionUrl(oidc.config, { client_id: oidc.clientId, post_logout_redirect_uri: `${oidc.publicUrl}/sign-in` }).href;
  }

  return { routes, signedOut };
}

/** What the provider's answer (or its refusal) means, in a sentence a person can act on. */
function providerRefusal(error: unknown): Refusal {
  if (error instanceof client.AuthorizationResponseError) {
    return new Refusal('provider_error', `Your identity provider did not sign you in: ${error.error}${error.error_description ? ` (${error.error_description})` : ''}.`);
  }
  if (error instanceof client.ResponseBodyError) {
    return new Refusal('code_refused', `Your identity provider refused the sign-in code (${error.error}${error.error_description ? `: ${error.error_description}` : ''}). Start again from the sign-in page.`);
  }
  return new Refusal('answer_refused', `The identity provider's answer failed its checks (${checkFailure(error)}). Start again from the sign-in page.`);
}

/** openid-client wraps the failed check; its causes say which one (the "nonce" claim, the "iss" parameter…). */
function checkFailure(error: unknown): string {
  let innermost = error as { message?: string; cause?: unknown; claim?: unknown };
  while (innermost.cause instanceof Error) innermost = innermost.cause as typeof innermost;
  const claim = (innermost.cause as { claim?: unknown } | undefined)?.claim;
  return `${innermost.message ?? String(error)}${typeof claim === 'string' ? `: the "${claim}" claim` : ''}`;
}

export type OidcSignIn = ReturnType<typeof createOidcSignIn>;
