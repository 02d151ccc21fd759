import { decide } from '../domain/decide.js';
import type { Identity } from '../domain/identity.js';
import type { Proposal } from '../domain/proposal.js';
import { html, type SafeHtml } from './html.js';

/**
 * Why the viewer may not decide, or `undefined` if they may. Asks the
 * domain's own `decide` rule (pure, nothing is committed), so the page and
 * the server can never disagree about who may decide.
 */
export function whyNotDecide(proposal: Proposal, viewer: Identity, now: number): string | undefined {
  return decide(proposal, { verdict: 'approve', actor: viewer, reason: 'preview', now }).refusal?.detail;
}

export interface DecideFormOptions {
  csrf: string;
  /** A refusal or problem from the last attempt, shown above the form. */
  error?: string;
  reason?: string;
  /** The viewer's active passkeys (credential ids): with any, the form offers deciding with one. */
  passkeys?: string[];
  /** The WebAuthn RP ID the passkeys belong to. */
  rpId?: string;
}

/** One proposal, one reason, one of two verdicts: the only way to decide from the UI. */
export function decideForm(p: Proposal, viewer: Identity, now: number, options: DecideFormOptions): SafeHtml {
  const blocked = whyNotDecide(p, viewer, now);
  const disabled = blocked ? html`disabled aria-disabled="true"` : '';
  return html`<section id="decide" data-region aria-labelledby="decide-title" class="card decide">
<h2 id="decide-title">Your decision</h2>
${options.error ? html`<p class="notice error" role="alert" id="decide-error">${options.error}</p>` : ''}
${blocked ? html`<p class="notice blocked" id="decide-blocked"><strong>You cannot decide this proposal:</strong> ${blocked}</p>` : ''}
<form method="post" action="/proposals/${encodeURIComponent(p.id)}/decision" ${blocked ? html`aria-describedby="decide-blocked"` : ''}
  data-proposal-id="${p.id}" data-action-hash="${p.action_hash}" data-identity="${viewer.name}" data-rp-id="${options.rpId ?? ''}" data-passkeys="${(options.passkeys ?? []).join(' ')}">
  <input type="hidden" name="csrf" value="${options.csrf}">
  <label for="reason">Reason (required; it is recorded in the audit log with your name)</label>
  <textarea id="reason" name="reason" rows="4" maxlength="5000" required ${disabled}
    placeholder="What did you check? Why is this safe, or why not?">${options.reason ?? ''}</textarea>
  <div class="buttons">
    <button type="submit" name="verdict" value="approve" class="approve" ${disabled}>Approve this proposal</button>
    <button type="submit" name="verdict" value="reject" class="reject" ${disabled}>Reject this proposal</button>
  </div>
  ${options.passkeys?.length ? html`<div class="buttons passkey">
    <button type="submit" name="verdict" value="approve" class="approve" data-passkey ${disabled}>Approve with passkey</button>
    <button type="submit" name="verdict" value="reject" class="reject" data-passkey ${disabled}>Reject with passkey</button>
  </div>` : html`<p class="muted"><a href="/passkeys">Register a passkey</a> to sign your decisions.</p>`}
</form>
</section>`;
}
