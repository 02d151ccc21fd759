import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CountersignError, invalidInput } from '../domain/errors.js';
import { relyingPartyOf } from '../server/relying-party.js';
import type { KeyService } from '../service/key-service.js';
import type { PasskeyService } from '../service/passkey-service.js';
import { passkeysPage } from './passkeys-page.js';
import type { SessionKeeper } from './session.js';
import type { UiAuth, Viewer } from './ui-auth.js';
import { redirect } from './ui-security.js';

export interface PasskeyRouteDeps {
  auth: UiAuth;
  sessions: SessionKeeper;
  passkeys: PasskeyService;
  keys: KeyService;
  clock: () => number;
  publicUrl?: string;
}

/** How long a registration challenge stays good: long enough to find the security key. */
const REGISTRATION_WINDOW_MS = 10 * 60_000;
const FLASH: Record<string, string> = { registered: 'Your passkey is registered.', revoked: 'The passkey is revoked.' };

/**
 * A form field holding JSON the page's script wrote (a WebAuthn response):
 * parsed here so a bad one is a 400 naming the field.
 */
export function jsonField(value: string | undefined, field: string, missing: string): unknown {
  if (!value) throw invalidInput([{ field, message: missing }]);
  try {
    return JSON.parse(value);
  } catch {
    throw invalidInput([{ field, message: 'is not JSON' }]);
  }
}

/** `/passkeys`: a signed-in person registers, lists and revokes their own passkeys. */
export function passkeyRoutes(app: FastifyInstance, { auth, sessions, passkeys, keys, clock, publicUrl }: PasskeyRouteDeps): void {
  // The challenge is derived from the session and the time it was issued, so nothing is stored between the two requests.
  const challengeFor = (viewer: Viewer, issued: number) => sessions.csrfToken(`passkey-registration ${viewer.session.sid} ${issued}`);

  async function show(request: FastifyRequest, reply: FastifyReply, viewer: Viewer, status: number, notice: { flash?: string; error?: string } = {}) {
    const issued = clock();
    const options = await passkeys.registrationOptions(viewer.identity, relyingPartyOf(request, publicUrl), challengeFor(viewer, issued));
    const view = { passkeys: await passkeys.passkeysOf(viewer.identity.name), registration: { options: JSON.stringify(options), issued }, ...notice };
    return reply.code(status).type('text/html; charset=utf-8').send(passkeysPage({ viewer: viewer.identity, csrf: viewer.csrf, now: clock() }, view).value);
  }

  app.get('/passkeys', async (request, reply) => {
    const viewer = await auth.viewerOf(request);
    if (!viewer) return redirect(reply, '/sign-in');
    const done = (request.query as Record<string, unknown>).done;
    return show(request, reply, viewer, 200, { flash: typeof done === 'string' ? FLASH[done] : undefined });
  });

  app.post('/passkeys', async (request, reply) => {
    const { viewer, form } = await auth.postingViewer(request, ['csrf', 'issued', 'label', 'credential']);
    try {
      const issued = Number(form.issued);
      if (!Number.isSafeInteger(issued) || issued > clock() || clock() - issued > REGISTRATION_WINDOW_MS) {
        throw invalidInput([{ field: 'issued', message: 'the registration took too long or the page is stale: reload the Passkeys page and register again' }]);
      }
      const credential = jsonField(form.credential, 'credential', 'is missing: registering a passkey needs this page\'s script and a browser with WebAuthn');
      const label = form.label?.trim() ? form.label.trim().slice(0, 200) : undefined;
      await passkeys.register(viewer.identity, relyingPartyOf(request, publicUrl), credential, challengeFor(viewer, issued), label);
    } catch (error) {
      if (!CountersignError.is(error)) throw error;
      return show(request, reply, viewer, error.status, { error: error.detail });
    }
    return redirect(reply, '/passkeys?done=registered');
  });

  app.post<{ Params: { key_id: string } }>('/passkeys/:key_id/revocation', async (request, reply) => {
    const { viewer } = await auth.postingViewer(request, ['csrf']);
    await keys.revoke(viewer.identity, request.params.key_id, { reason: 'revoked on the Passkeys page' });
    return redirect(reply, '/passkeys?done=revoked');
  });
}
