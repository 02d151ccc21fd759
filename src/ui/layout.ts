import { hasAnyRole, type Identity } from '../domain/identity.js';
import { html, type SafeHtml } from './html.js';

export interface PageContext {
  viewer?: Identity;
  csrf?: string;
  now: number;
}

export const canReadReports = (viewer: Identity) => hasAnyRole(viewer, ['auditor', 'admin']);

function header({ viewer, csrf }: PageContext): SafeHtml {
  if (!viewer) return html`<header class="bar"><span class="brand">Countersign</span></header>`;
  return html`<header class="bar">
  <a class="brand" href="/">Countersign</a>
  <nav aria-label="Main">
    <a href="/">Queue</a>
    ${canReadReports(viewer) ? html`<a href="/reports">Reports</a>` : ''}
    <a href="/passkeys">Passkeys</a>
  </nav>
  <form method="post" action="/sign-out" class="signout">
    <span class="who">Signed in as <strong>${viewer.name}</strong></span>
    <input type="hidden" name="csrf" value="${csrf ?? ''}">
    <button type="submit">Sign out</button>
  </form>
</header>`;
}

/**
 * The page shell. Scripts and styles come only from this server (the CSP
 * forbids anything else); `data-server-now` lets the countdown use the
 * server's clock rather than the browser's.
 */
export function layout(title: string, context: PageContext, body: SafeHtml, live?: string): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Countersign</title>
<link rel="icon" href="/ui/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/ui/app.css">
<script src="/ui/app.js" defer></script>
<script src="/ui/webauthn.js" defer></script>
<script src="/ui/passkeys.js" defer></script>
</head>
<body data-server-now="${new Date(context.now).toISOString()}" ${live ? html`data-live="${live}"` : ''}>
<a class="skip" href="#main">Skip to content</a>
${header(context)}
<main id="main">
${body}
</main>
</body>
</html>`;
}

export function errorPage(context: PageContext, status: number, message: string): SafeHtml {
  return layout(`Error ${status}`, context, html`<h1>Sorry: ${status}</h1><p class="notice error" role="alert">${message}</p><p><a href="/">Back to the queue</a></p>`);
}
