import { html, type SafeHtml } from './html.js';
import { layout } from './layout.js';

/** The ways this server signs people in: a pasted token, the identity provider, or both. */
export interface SignInWays {
  token: boolean;
  oidc: boolean;
}

/** Token in, session cookie out; or off to the identity provider. The token field never echoes what was typed. */
export function signInPage(now: number, csrf: string, error?: string, ways: SignInWays = { token: true, oidc: false }): SafeHtml {
  return layout('Sign in', { now }, html`<section class="card signin" aria-labelledby="signin-title">
<h1 id="signin-title">Sign in</h1>
${error ? html`<p class="notice error" role="alert">${error}</p>` : ''}
${ways.oidc ? html`<p><a class="button" href="/sign-in/oidc">Sign in with your identity provider</a></p>` : ''}
${ways.token ? html`<p>Paste your personal Countersign token (from <code>countersign identity add NAME --kind human</code>). Agent tokens cannot sign in here.</p>
<form method="post" action="/sign-in">
  <input type="hidden" name="csrf" value="${csrf}">
  <label for="token">Token</label>
  <input id="token" name="token" type="password" autocomplete="off" spellcheck="false" required autofocus>
  <button type="submit">Sign in</button>
</form>` : ''}
</section>`);
}
