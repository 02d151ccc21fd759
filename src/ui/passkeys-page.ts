import type { SigningKey } from '../domain/signing-key.js';
import { formatTime } from './format.js';
import { html, type SafeHtml } from './html.js';
import { layout, type PageContext } from './layout.js';

export interface PasskeysView {
  passkeys: SigningKey[];
  /** `navigator.credentials.create` options for a new passkey, as JSON, and when its challenge was issued. */
  registration: { options: string; issued: number };
  flash?: string;
  error?: string;
}

const row = (k: SigningKey, csrf: string) => html`<tr>
<td>${k.label ?? html`<span class="muted">no label</span>`}</td>
<td><code class="hash" title="${k.key_id}">${k.key_id.slice(0, 16)}…</code></td>
<td>${formatTime(k.created_at)}</td>
<td>${k.revoked_at ? html`revoked at ${formatTime(k.revoked_at)}` : 'active'}</td>
<td>${k.revoked_at ? '' : html`<form method="post" action="/passkeys/${encodeURIComponent(k.key_id)}/revocation">
  <input type="hidden" name="csrf" value="${csrf}"><button type="submit" class="reject" aria-label="Revoke passkey ${k.label ?? k.key_id}">Revoke</button></form>`}</td>
</tr>`;

/** A person's passkeys: register one (WebAuthn, in the browser), list them, revoke one. */
export function passkeysPage(context: PageContext & { csrf: string }, view: PasskeysView): SafeHtml {
  const body = html`<h1>Passkeys</h1>
<p>A passkey signs your decisions on this device with your fingerprint, face or PIN: under <code>signed_decisions: required</code>
a stolen token alone cannot approve, and the audit log proves each approval was yours.</p>
${view.flash ? html`<p class="notice ok" role="status">${view.flash}</p>` : ''}
${view.error ? html`<p class="notice error" role="alert" id="passkey-error">${view.error}</p>` : ''}
<section class="card" aria-labelledby="passkeys-title">
<h2 id="passkeys-title">Your passkeys (${view.passkeys.length})</h2>
${view.passkeys.length === 0 ? html`<p class="muted">None yet.</p>` : html`<div class="scroll" tabindex="0"><table class="report passkeys">
<thead><tr><th scope="col">Label</th><th scope="col">Credential id</th><th scope="col">Registered</th><th scope="col">State</th><th scope="col"></th></tr></thead>
<tbody>${view.passkeys.map((k) => row(k, context.csrf))}</tbody></table></div>`}
</section>
<section class="card" aria-labelledby="register-title">
<h2 id="register-title">Register a passkey</h2>
<form method="post" action="/passkeys" id="passkey-register" data-options="${view.registration.options}">
  <input type="hidden" name="csrf" value="${context.csrf}">
  <input type="hidden" name="issued" value="${String(view.registration.issued)}">
  <label for="passkey-label">Label (which device or key this is)</label>
  <input id="passkey-label" name="label" maxlength="200" placeholder="work laptop">
  <div class="buttons"><button type="submit">Register a passkey</button></div>
</form>
</section>`;
  return layout('Passkeys', context, body);
}
