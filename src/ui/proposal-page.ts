import type { AuditEvent } from '../domain/audit-event.js';
import type { Identity } from '../domain/identity.js';
import type { Decision, Proposal } from '../domain/proposal.js';
import { countdown, proposerLabel, riskBadges, statusBadge } from './badges.js';
import { decideForm, type DecideFormOptions } from './decide-form.js';
import { approvalsSoFar, FLAG_TEXT, formatTime, formatUsd } from './format.js';
import { highlight, languageOf } from './highlight.js';
import { html, type SafeHtml } from './html.js';
import { layout, type PageContext } from './layout.js';

export interface ProposalView {
  proposal: Proposal;
  owner: string | null | undefined;
  /** `undefined` when the viewer may not read the audit log. */
  events: AuditEvent[] | undefined;
  /** Webhook deliveries about this proposal; `undefined` for viewers who may not read reports. */
  notified?: { webhook: string; event_type: string; status: string; attempts: number; last_error: string | null }[];
  flash?: string;
  /** Rubber-stamp flags of the people who decided, so the next reviewer knows how much an approval weighs. */
  flags: Map<string, string[]>;
  form: Omit<DecideFormOptions, 'csrf'>;
}

const RESOURCES_SHOWN = 100;
const yesNo = (value: boolean | undefined) => (value ? 'yes' : 'no');

function action(p: Proposal): SafeHtml {
  const { type, command, target, params } = p.action;
  return html`<section class="card" aria-labelledby="action-title">
<h2 id="action-title">Exact action</h2>
<dl class="facts">
  <dt>Type</dt><dd>${type}</dd>
  <dt>Target</dt><dd>${target?.system ?? '—'} ${target?.environment ? html`<span class="badge env">${target.environment}</span>` : ''}</dd>
  <dt>Action hash</dt><dd><code class="hash">${p.action_hash}</code></dd>
</dl>
${command === undefined ? '' : html`<h3>Command</h3><pre class="code" tabindex="0"><code>${highlight(command, languageOf(type))}</code></pre>`}
${params === undefined ? '' : html`<h3>Parameters</h3><pre class="code" tabindex="0"><code>${JSON.stringify(params, null, 2)}</code></pre>`}
</section>`;
}

function impact(p: Proposal): SafeHtml {
  const resources = p.blast_radius.resources;
  return html`<section class="card" aria-labelledby="impact-title">
<h2 id="impact-title">Impact</h2>
<dl class="facts">
  <dt>Resources (${resources.length})</dt>
  <dd><ul class="resources">${resources.slice(0, RESOURCES_SHOWN).map((r) => html`<li><code>${r}</code></li>`)}</ul>${
    resources.length > RESOURCES_SHOWN ? html`<p class="muted">and ${resources.length - RESOURCES_SHOWN} more</p>` : ''
  }</dd>
  <dt>Critical path</dt><dd>${yesNo(p.blast_radius.critical_path)}</dd>
  <dt>Customer data</dt><dd>${yesNo(p.blast_radius.customer_data)}</dd>
  <dt>Reversible (declared)</dt><dd>${yesNo(p.reversibility.reversible)}</dd>
  <dt>Rollback plan</dt><dd class="prose">${p.reversibility.rollback_plan ?? 'none given'}</dd>
  <dt>Cost impact</dt><dd>${formatUsd(p.cost_impact_usd)}</dd>
</dl>
</section>`;
}

const decisionItem = (d: Decision, verb: string, flags: string[] = []) =>
  html`<li><strong>${d.identity}</strong>${d.principal !== d.identity ? html` <span class="muted">(for ${d.principal})</span>` : ''} ${verb} at ${formatTime(d.at)}${flags.map(
    (f) => html` <span class="badge flag" title="rubber-stamp flag from the approver report">${FLAG_TEXT[f] ?? f}</span>`,
  )}<blockquote class="prose">${d.reason}</blockquote></li>`;

function decisions(p: Proposal, flags: Map<string, string[]>): SafeHtml {
  const e = p.execution;
  return html`<section id="decisions" data-region class="card" aria-labelledby="decisions-title">
<h2 id="decisions-title">Decisions: <span class="approvals-count">${approvalsSoFar(p)}</span> approvals ${statusBadge(p.status)}</h2>
${p.approvals.length === 0 && !p.rejection ? html`<p class="muted">No decisions yet.</p>` : ''}
<ul class="decisions">${p.approvals.map((d) => decisionItem(d, 'approved', flags.get(d.identity)))}${p.rejection ? decisionItem(p.rejection, 'rejected', flags.get(p.rejection.identity)) : ''}</ul>
<h3>Execution</h3>
<p>State: <strong class="execution-state">${e.state.replace('_', ' ')}</strong>${e.claimed_by ? html` · claimed by ${e.claimed_by} at ${formatTime(e.claimed_at)}` : ''}${
    e.finished_at ? html` · finished at ${formatTime(e.finished_at)}` : ''
  }</p>
${e.detail ? html`<pre class="code" tabindex="0"><code>${e.detail}</code></pre>` : ''}
</section>`;
}

function auditChain(events: AuditEvent[] | undefined): SafeHtml {
  if (!events) return html`<section class="card"><h2>Audit chain</h2><p class="muted">Visible to auditors and admins.</p></section>`;
  return html`<section id="audit" data-region class="card" aria-labelledby="audit-title">
<h2 id="audit-title">Audit chain (${events.length} events)</h2>
<div class="scroll" tabindex="0"><table class="audit">
<thead><tr><th scope="col">Seq</th><th scope="col">At</th><th scope="col">Event</th><th scope="col">Actor</th><th scope="col">Reason</th><th scope="col">Hash</th></tr></thead>
<tbody>${events.map(
    (e) => html`<tr><td>${e.seq}</td><td>${formatTime(e.at)}</td><td>${e.type}</td><td>${e.actor}</td><td class="prose">${e.reason ?? ''}</td><td><code class="hash" title="${e.hash}">${e.hash.slice(0, 19)}…</code></td></tr>`,
  )}</tbody>
</table></div>
</section>`;
}

function notifiedSection(notified: ProposalView['notified']): SafeHtml {
  if (!notified || notified.length === 0) return html``;
  return html`<section id="notified" class="card" aria-labelledby="notified-title">
<h2 id="notified-title">Who was notified</h2>
<ul>${notified.map((d) => html`<li>${d.webhook}: ${d.event_type}, ${d.status}${d.attempts > 1 ? ` after ${d.attempts} attempts` : ''}${d.last_error ? html` <span class="muted">(${d.last_error})</span>` : ''}</li>`)}</ul>
</section>`;
}

/** Everything a careful reviewer needs, agent-written text always rendered as text. */
export function proposalPage(context: PageContext & { viewer: Identity; csrf: string }, view: ProposalView): SafeHtml {
  const p = view.proposal;
  const body = html`<p><a href="/">← Queue</a></p>
<header id="summary" data-region class="proposal-head">
  <h1 class="what">${p.what}</h1>
  <p class="meta">${statusBadge(p.status)} <span class="badge urgency">${p.urgency}</span> ${riskBadges(p)}
   · proposed by ${proposerLabel(p, view.owner)} at ${formatTime(p.created_at)}
   · ${p.status === 'pending' ? html`expires in ${countdown(p, context.now)}` : html`decided at ${formatTime(p.decided_at)}`}</p>
</header>
${view.flash ? html`<p class="notice ok" role="status">${view.flash}</p>` : ''}
${p.risk.declared_mismatch
    ? html`<p class="notice mismatch" role="alert"><strong>Declared mismatch:</strong> the policy read risk in the action itself that the proposal's declaration denies. Read the action, not the summary.</p>`
    : ''}
<div class="columns">
<div>
<section class="card" aria-labelledby="why-title"><h2 id="why-title">Why (as the proposer says)</h2><p class="prose why">${p.why}</p></section>
<section class="card" aria-labelledby="risk-title"><h2 id="risk-title">Policy assessment</h2>
<p>${riskBadges(p)} · needs ${p.required_approvals} approval${p.required_approvals === 1 ? '' : 's'} from distinct people</p>
<ul>${p.risk.reasons.map((r) => html`<li>${r}</li>`)}</ul></section>
${action(p)}
${impact(p)}
</div>
<div>
${decisions(p, view.flags)}
${decideForm(p, context.viewer, context.now, { ...view.form, csrf: context.csrf })}
</div>
</div>
${auditChain(view.events)}
${notifiedSection(view.notified)}`;
  return layout(p.what, context, body, `proposal:${p.id}`);
}
