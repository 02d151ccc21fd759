import { html, type SafeHtml } from './html.js';
import { layout } from './layout.js';

/** Refusal of an identity-provider sign-in: what went wrong, and what to do next. */
export function oidcRefusedPage(now: number, message: string, subject?: string): SafeHtml {
  const ask = subject
    ? html`<p>Ask a Countersign admin to link you: give them your subject <code class="subject">${subject}</code> and the name you should approve as. They run:</p>
<pre><code>countersign identity add YOUR-NAME --kind human --roles approver --oidc-subject ${subject}</code></pre>`
    : '';
  return layout('Sign-in refused', { now }, html`<section class="card signin" aria-labelledby="refused-title">
<h1 id="refused-title">Sign-in refused</h1>
<p class="notice error" role="alert">${message}</p>
${ask}
<p><a href="/sign-in">Back to sign in</a></p>
</section>`);
}

/**
 * A page that moves the browser on. After the provider's redirect the browser
 * treats the navigation as cross-site and would not send the SameSite=Strict
 * session cookie on a redirect; and a form post (sign-out) may not redirect to
 * the provider under the CSP's form-action. A navigation of our own does both.
 */
export function continuePage(now: number, to: string, said: string): SafeHtml {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${to}"><title>${said} · Countersign</title></head>
<body data-server-now="${new Date(now).toISOString()}"><p>${said} <a href="${to}">Continue</a></p></body></html>`;
}
