import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CountersignError, forbidden, invalidInput } from '../domain/errors.js';

/**
 * Only same-origin scripts, styles, images and fetches; no inline script or
 * style anywhere, no framing, forms post only here. Even if agent text ever
 * slipped through as markup, the browser would refuse to run it.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

export function addSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    reply
      .header('content-security-policy', CONTENT_SECURITY_POLICY)
      .header('x-content-type-options', 'nosniff')
      .header('x-frame-options', 'DENY')
      .header('referrer-policy', 'same-origin') // not no-referrer: that makes browsers send `Origin: null` on our own posts
      .header('cross-origin-opener-policy', 'same-origin')
      .header('cross-origin-resource-policy', 'same-origin');
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
}

export type FormBody = Record<string, string>;

/**
 * Parses urlencoded forms for the UI's routes only (the JSON API keeps
 * refusing them). A field sent twice is refused rather than guessed at.
 */
export function acceptForms(app: FastifyInstance): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => {
    const form: FormBody = Object.create(null);
    for (const [key, value] of new URLSearchParams(body as string)) {
      if (key in form) return done(invalidInput([{ field: key, message: 'was sent more than once' }]), undefined);
      form[key] = value;
    }
    done(null, form);
  });
}

/** The form as sent, refusing any field the route does not name (no bundles sneak in). */
export function formFields(request: FastifyRequest, allowed: readonly string[]): FormBody {
  const body = request.body;
  if (typeof body !== 'object' || body === null) throw invalidInput([{ field: '', message: 'send the form' }]);
  const form = body as FormBody;
  const extra = Object.keys(form).filter((k) => !allowed.includes(k));
  if (extra.length > 0) throw invalidInput(extra.map((field) => ({ field, message: 'is not a field of this form' })));
  return form;
}

/**
 * A browser sends Origin on every POST; one naming another host is refused
 * before anything else. Hosts are compared, not schemes, so a TLS-terminating
 * proxy in front (https outside, http here) does not break every form.
 */
export function refuseForeignOrigin(request: FastifyRequest): void {
  const origin = request.headers.origin;
  if (origin === undefined) return;
  let host: string | undefined;
  try {
    host = new URL(origin).host;
  } catch {
    host = undefined; // "null" or garbage
  }
  if (!host || host !== request.headers.host) {
    throw forbidden('cross_origin', `Form posts must come from this site (${request.headers.host ?? 'unknown host'}), not ${origin}.`);
  }
}

export const csrfRefused = (): CountersignError =>
  forbidden('csrf', 'The form is missing its CSRF token or the token is not yours. Reload the page and try again.');

export const redirect = (reply: FastifyReply, to: string) => reply.code(303).header('location', to).send();
