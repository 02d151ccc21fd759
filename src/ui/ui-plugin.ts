import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CountersignError, invalidInput } from '../domain/errors.js';
import { STATUSES, type Status } from '../domain/proposal.js';
import type { ApprovalService } from '../service/approval-service.js';
import { createLogStatus } from '../service/log-status.js';
import type { NoteVerifier } from '../audit/note-key.js';
import type { IdentityService } from '../service/identity-service.js';
import { internalError, logUnexpected } from '../server/problem.js';
import type { Store } from '../store/store.js';
import type { SafeHtml } from './html.js';
import { canReadReports, errorPage } from './layout.js';
import { createLiveEvents } from './live-events.js';
import { proposalPage } from './proposal-page.js';
import { queuePage } from './queue-page.js';
import { reportsPage } from './reports-page.js';
import { createSessionKeeper } from './session.js';
import { jsonField, passkeyRoutes } from './passkey-routes.js';
import { relyingPartyOf } from '../server/relying-party.js';
import { createKeyService } from '../service/key-service.js';
import { createPasskeyService } from '../service/passkey-service.js';
import { createUiAuth, type Viewer } from './ui-auth.js';
import type { OidcConnection } from './oidc-connect.js';
import { createOidcSignIn } from './oidc-sign-in.js';
import { acceptForms, addSecurityHeaders, redirect } from './ui-security.js';

export interface UiOptions {
  store: Store;
  approvals: ApprovalService;
  identities: IdentityService;
  clock: () => number;
  /** The log's public key, to check checkpoint signatures. */
  verifier?: NoteVerifier;
  /** Signs session cookies; the same on every replica (default: a random key, so sessions end with the process). */
  sessionKey?: Buffer;
  /** How long a sign-in lasts; 8 hours (a working day) unless set. */
  sessionTtlMs?: number;
  /** The server's public URL, which passkeys are bound to (else each request's own origin). */
  publicUrl?: string;
  /** Sign-in through an OpenID Provider (see oidc-connect.ts). */
  oidc?: OidcConnection;
  /** False turns off the pasted-token sign-in for people (agents keep their bearer tokens for the API). */
  tokenSignIn?: boolean;
}

const asset = (name: string) => readFileSync(new URL(`./assets/${name}`, import.meta.url));
/** The WebAuthn browser helper, served from this server like every other script (the CSP allows no other origin). */
const webauthnScript = () => readFileSync(new URL('../dist/bundle/index.umd.min.js', pathToFileURL(createRequire(import.meta.url).resolve('@simplewebauthn/browser'))));
const FLASH: Record<string, string> = { approve: 'Your approval is recorded.', reject: 'Your rejection is recorded.' };
const page = (reply: FastifyReply, status: number, body: SafeHtml) => reply.code(status).type('text/html; charset=utf-8').send(body.value);

/** The web approval UI: server-rendered pages under `/`, same origin as the API. */
export async function uiPlugin(app: FastifyInstance, { store, approvals, identities, clock, verifier, sessionKey, sessionTtlMs = 8 * 3600_000, publicUrl, oidc, tokenSignIn = true }: UiOptions) {
  const logStatus = createLogStatus({ store, verifier, clock });
  const sessions = createSessionKeeper({ ttlMs: sessionTtlMs, clock, key: sessionKey });
  const auth = createUiAuth({ store, identities, sessions, clock, signIn: { token: tokenSignIn, oidc: !!oidc } });
  const sso = oidc && createOidcSignIn({ oidc, store, sessions, clock, startSession: (reply, request, tid) => auth.startSession(reply, request, tid, 'oidc') });
  const live = createLiveEvents(store);
  const assets = { js: asset('app.js'), css: asset('app.css'), icon: asset('favicon.svg'), passkeys: asset('passkeys.js'), webauthn: webauthnScript() };

  addSecurityHeaders(app);
  acceptForms(app);
  app.addHook('preClose', async () => live.closeAll());

  // Errors on UI routes are pages, not problem+json; refusals keep their status.
  app.setErrorHandler(async (error: FastifyError | CountersignError, request, reply) => {
    const viewer = await auth.viewerOf(request).catch(() => undefined);
    const context = { viewer: viewer?.identity, csrf: viewer?.csrf, now: clock() };
    if (CountersignError.is(error)) return page(reply, error.status, errorPage(context, error.status, error.detail));
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return page(reply, error.statusCode, errorPage(context, error.statusCode, error.message));
    logUnexpected(request, error);
    return page(reply, 500, errorPage(context, 500, internalError(request.id).detail));
  });

  app.get('/ui/app.js', (_request, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(assets.js));
  app.get('/ui/app.css', (_request, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'no-cache').send(assets.css));
  app.get('/ui/favicon.svg', (_request, reply) => reply.type('image/svg+xml').header('cache-control', 'max-age=86400').send(assets.icon));
  for (const [path, script] of [['/ui/passkeys.js', assets.passkeys], ['/ui/webauthn.js', assets.webauthn]] as const) {
    app.get(path, (_request, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(script));
  }
  auth.routes(app, sso?.signedOut);
  sso?.routes(app);
  const keys = createKeyService({ keys: store, clock });
  passkeyRoutes(app, { auth, sessions, passkeys: createPasskeyService({ keys: store, clock }), keys, clock, publicUrl });

  /** Pages need a signed-in person; anyone else is sent to sign in. */
  async function signedIn(request: FastifyRequest, reply: FastifyReply): Promise<Viewer | undefined> {
    const viewer = await auth.viewerOf(request);
    if (!viewer) redirect(reply, '/sign-in');
    return viewer;
  }
  const context = (viewer: Viewer) => ({ viewer: viewer.identity, csrf: viewer.csrf, now: clock() });

  app.get('/', async (request, reply) => {
    const viewer = await signedIn(request, reply);
    if (!viewer) return reply;
    const asked = (request.query as Record<string, unknown>).status;
    const status: Status | 'all' = asked === 'all' || (STATUSES as readonly unknown[]).includes(asked) ? (asked as Status | 'all') : 'pending';
    const proposals = await approvals.list(status === 'all' ? undefined : status);
    const owners = new Map<string, string | null>();
    for (const name of new Set(proposals.map((p) => p.proposer))) owners.set(name, (await store.getIdentity(name))?.owner ?? null);
    return page(reply, 200, queuePage(context(viewer), { status, proposals, owners }));
  });

  async function showProposal(request: FastifyRequest, reply: FastifyReply, viewer: Viewer, id: string, status: number, form: { error?: string; reason?: string } = {}, flash?: string) {
    const proposal = await approvals.get(id, viewer.identity); // records an approver's first view
    const owner = (await store.getIdentity(proposal.proposer))?.owner;
    const auditor = canReadReports(viewer.identity);
    const events = auditor ? await store.auditEventsFor(id) : undefined;
    const notified = auditor ? (await approvals.deliveries({ proposalId: id, limit: 100 })).items.reverse() : undefined;
    const decided = proposal.approvals.length > 0 || proposal.rejection !== null;
    const deciders = [...proposal.approvals.map((a) => a.identity), ...(proposal.rejection ? [proposal.rejection.identity] : [])];
    const flags = new Map(decided ? (await approvals.approverReport({ identities: deciders })).approvers.map((a) => [a.identity, a.flags] as const) : []);
    const passkeys = (await store.listKeys(viewer.identity.name)).filter((k) => k.kind === 'passkey' && !k.revoked_at).map((k) => k.key_id);
    const withPasskeys = { ...form, passkeys, rpId: relyingPartyOf(request, publicUrl).rp_id };
    return page(reply, status, proposalPage({ ...context(viewer), viewer: viewer.identity, csrf: viewer.csrf }, { proposal, owner, events, notified, form: withPasskeys, flash, flags }));
  }

  app.get<{ Params: { id: string } }>('/proposals/:id', async (request, reply) => {
    const viewer = await signedIn(request, reply);
    if (!viewer) return reply;
    const done = (request.query as Record<string, unknown>).done;
    return showProposal(request, reply, viewer, request.params.id, 200, {}, typeof done === 'string' ? FLASH[done] : undefined);
  });

  // One proposal per request, one reason, one verdict; refusals re-show the page with the reason kept.
  app.post<{ Params: { id: string } }>('/proposals/:id/decision', async (request, reply) => {
    const { viewer, form } = await auth.postingViewer(request, ['csrf', 'verdict', 'reason', 'passkey']);
    const id = request.params.id;
    if (form.verdict !== 'approve' && form.verdict !== 'reject') throw invalidInput([{ field: 'verdict', message: 'must be approve or reject' }]);
    try {
      // With a passkey, the page's script sends `{ key_id, assertion }`: the decision body's passkey signature.
      const signature = form.passkey === undefined ? undefined : { kind: 'passkey', ...(jsonField(form.passkey, 'passkey', 'is empty') as object) };
      await approvals[form.verdict](id, viewer.identity, { reason: form.reason ?? '', ...(signature ? { signature } : {}) }, relyingPartyOf(request, publicUrl));
    } catch (error) {
      if (!CountersignError.is(error) || error.status === 404) throw error;
      const blank = error.code === 'invalid_input' && !form.reason?.trim();
      const message = blank ? 'A reason is required: say what you checked, or why you refuse.' : error.detail;
      return showProposal(request, reply, viewer, id, error.status, { error: message, reason: form.reason });
    }
    return redirect(reply, `/proposals/${encodeURIComponent(id)}?done=${form.verdict}`);
  });

  app.get('/reports', async (request, reply) => {
    const viewer = await signedIn(request, reply);
    if (!viewer) return reply;
    if (!canReadReports(viewer.identity)) return page(reply, 403, errorPage(context(viewer), 403, 'Reports are for auditors and admins.'));
    const [{ approvers, thresholds, window }, expired, { items: deliveries }, checkpoint] = await Promise.all([
      approvals.approverReport(),
      approvals.expiredReport(),
      approvals.deliveries({ limit: 50 }),
      logStatus.checkpoint(),
    ]);
    const view = { approvers, thresholds, window, expired, deliveries, checkpoint, verification: logStatus.lastVerification() };
    return page(reply, 200, reportsPage(context(viewer), view));
  });

  // A full verification reads every event: it runs when asked, not on every view.
  app.post('/reports/verify', async (request, reply) => {
    const { viewer } = await auth.postingViewer(request, ['csrf']);
    if (!canReadReports(viewer.identity)) return page(reply, 403, errorPage(context(viewer), 403, 'Reports are for auditors and admins.'));
    await logStatus.verify(viewer.identity.name);
    return redirect(reply, '/reports#log');
  });

  app.get('/ui/events', async (request, reply) => {
    if (!(await auth.viewerOf(request))) return reply.code(401).send();
    reply.hijack();
    live.attach(reply.raw);
  });
}
