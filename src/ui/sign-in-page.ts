import { html, type SafeHtml } from './html.js';
import { layout } from './layout.js';

/** Token in, session cookie out. The token field never echoes what was typed. */
export function signInPage(now: number, csrf: string, error?: string): SafeHtml {
  return layout('Sign in', { now }, html`<section class="card signin" aria-labelledby="signin-title">
<h1 id="signin-title">Sign in</h1>
<p>Paste your personal Countersign token (from <code>countersign identity add NAME --kind human</code>). Agent tokens cannot sign in here.</p>
${error ? html`<p class="notice error" role="alert">${error}</p>` : ''}
<form method="post" action="/sign-in">
  <input type="hidden" name="csrf" value="${csrf}">
  <label for="token">Token</label>
  <input id="token" name="token" type="password" autocomplete="off" spellcheck="false" required autofocus>
  <button type="submit">Sign in</button>
</form>
</section>`);
}
