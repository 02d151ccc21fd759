import type { ApproverStats, RubberStampThresholds } from '../domain/approver-stats.js';
import type { VerifyResult } from '../audit/hash-chain.js';
import type { ApprovalService } from '../service/approval-service.js';
import { FLAG_TEXT, formatTime } from './format.js';
import { html, type SafeHtml } from './html.js';
import { layout, type PageContext } from './layout.js';

export interface ReportsView {
  approvers: ApproverStats[];
  thresholds: RubberStampThresholds;
  expired: Awaited<ReturnType<ApprovalService['expiredReport']>>['items'];
  verify: VerifyResult;
}

const percent = (rate: number) => `${Math.round(rate * 100)}%`;

/** Approval rate per approver as bars, with the policy's limit drawn across: attributes only, no inline style (CSP). */
function chart(approvers: ApproverStats[], limit: number): SafeHtml {
  const barH = 22;
  const labelW = 120;
  const plotW = 360;
  const height = approvers.length * (barH + 8) + 24;
  const x = (rate: number) => labelW + rate * plotW;
  return html`<svg class="chart" role="img" aria-labelledby="chart-title" viewBox="0 0 ${labelW + plotW + 60} ${height}" width="100%" preserveAspectRatio="xMinYMin meet">
<title id="chart-title">Approval rate per approver; the dashed line is the policy limit (${percent(limit)})</title>
${approvers.map((a, i) => {
    const y = i * (barH + 8) + 4;
    return html`<text x="${labelW - 8}" y="${y + barH * 0.7}" text-anchor="end" class="chart-label">${a.identity}</text>
<rect x="${labelW}" y="${y}" width="${Math.max(1, a.approval_rate * plotW)}" height="${barH}" class="${a.flags.length > 0 ? 'bar flagged' : 'bar'}"></rect>
<text x="${x(a.approval_rate) + 6}" y="${y + barH * 0.7}" class="chart-value">${percent(a.approval_rate)}</text>`;
  })}
<line x1="${x(limit)}" x2="${x(limit)}" y1="0" y2="${height - 20}" class="limit"></line>
<text x="${x(limit)}" y="${height - 6}" text-anchor="middle" class="chart-value">limit ${percent(limit)}</text>
</svg>`;
}

function approversSection(view: ReportsView): SafeHtml {
  const t = view.thresholds;
  if (view.approvers.length === 0) return html`<section class="card"><h2>Approvers</h2><p class="muted">No decisions yet.</p></section>`;
  return html`<section class="card" aria-labelledby="approvers-title">
<h2 id="approvers-title">Approvers</h2>
<p class="muted">Flagged when, over at least ${t.min_decisions} decisions, the approval rate passes ${percent(t.max_approval_rate)}, the median review (first view to decision) is under ${t.min_median_review_seconds} s, or more than ${t.max_burst_approvals} approvals each came within ${t.burst_seconds} s of the previous one.</p>
${chart(view.approvers, t.max_approval_rate)}
<div class="scroll" tabindex="0"><table class="report">
<thead><tr><th scope="col">Approver</th><th scope="col">Decisions</th><th scope="col">Approvals</th><th scope="col">Rejections</th><th scope="col">Approval rate</th><th scope="col">Median review</th><th scope="col">Fastest 10 %</th><th scope="col">Burst approvals</th><th scope="col">Flags</th></tr></thead>
<tbody>${view.approvers.map(
    (a) => html`<tr class="${a.flags.length > 0 ? 'flagged' : ''}"><th scope="row">${a.identity}${a.principal !== a.identity ? html` <span class="muted">(${a.principal})</span>` : ''}</th>
<td>${a.decisions}</td><td>${a.approvals}</td><td>${a.rejections}</td><td>${percent(a.approval_rate)}</td><td>${a.median_review_seconds.toFixed(1)} s</td><td>${a.p10_review_seconds.toFixed(1)} s</td><td>${a.burst_approvals}</td>
<td>${a.flags.length === 0 ? '—' : a.flags.map((f) => html`<span class="badge flag">${FLAG_TEXT[f] ?? f}</span> `)}</td></tr>`,
  )}</tbody></table></div>
</section>`;
}

function expiredSection(view: ReportsView): SafeHtml {
  return html`<section class="card" aria-labelledby="expired-title">
<h2 id="expired-title">Expired proposals (${view.expired.length})</h2>
<p class="muted">Approvals received before expiry: some but too few suggests too few reviewers; none suggests a proposal nobody wanted to own.</p>
${view.expired.length === 0 ? html`<p class="muted">None.</p>` : html`<div class="scroll" tabindex="0"><table class="report">
<thead><tr><th scope="col">What</th><th scope="col">Proposer</th><th scope="col">Urgency</th><th scope="col">Approvals received</th><th scope="col">Expired at</th></tr></thead>
<tbody>${view.expired.map(
    (e) => html`<tr><td><a href="/proposals/${encodeURIComponent(e.id)}">${e.what}</a></td><td>${e.proposer}</td><td>${e.urgency}</td><td>${e.approvals_received} of ${e.required_approvals}</td><td>${formatTime(e.expired_at)}</td></tr>`,
  )}</tbody></table></div>`}
</section>`;
}

export function reportsPage(context: PageContext, view: ReportsView): SafeHtml {
  const v = view.verify;
  const verify = v.ok
    ? html`<p class="notice ok" id="verify">Audit log intact: ${v.events} events verified.</p>`
    : html`<p class="notice error" role="alert" id="verify">Audit log broken at event ${v.first_bad_seq}: ${v.problem}</p>`;
  return layout('Reports', context, html`<h1>Reports</h1>${verify}${approversSection(view)}${expiredSection(view)}`);
}
