import type { ReportRows } from './report-data.js';
import { EXPIRY_GROUP_MEANING } from '../domain/expiry-review.js';

export interface ReportInput {
  from: string;
  to: string;
  generated_at: string;
  rows: ReportRows;
  policy: string[];
  checkpoint: { tree_size: number; root_hash: string; note: string } | null;
  public_key: string | null;
  verification: { ok: boolean; events: number; first_bad_seq?: number; problem?: string };
  files: string[];
}

const escape = (value: unknown): string =>
  String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function table<T extends object>(rows: T[], columns: [keyof T & string, string][], empty: string): string {
  if (rows.length === 0) return `<p class="empty">${escape(empty)}</p>`;
  const head = columns.map(([, label]) => `<th>${escape(label)}</th>`).join('');
  const body = rows.map((r) => `<tr>${columns.map(([key]) => `<td>${escape((r as Record<string, unknown>)[key])}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:80rem;padding:0 1rem;color:#1b1f24}
h1{font-size:1.6rem}h2{margin-top:2.2rem;border-bottom:1px solid #ccc}table{border-collapse:collapse;width:100%;font-size:12px}
th,td{border:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}th{background:#f3f4f6}
.ok{color:#116329;font-weight:600}.bad{color:#a40e26;font-weight:600}pre{background:#f6f8fa;padding:8px;overflow:auto}
.map{color:#555;font-size:12px}.empty{color:#666;font-style:italic}`;

/** The auditor's evidence pack: one HTML file, no scripts, no external resources. */
export function reportHtml(r: ReportInput): string {
  const v = r.verification;
  const verdict = v.ok
    ? `<p class="ok">Intact: ${v.events} audit events re-hashed; hash chain and Merkle tree match${r.checkpoint ? ' the signed checkpoint' : ''}.</p>`
    : `<p class="bad">TAMPERED: first bad event ${escape(v.first_bad_seq)}: ${escape(v.problem)}</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Change management evidence ${escape(r.from)} to ${escape(r.to)}</title><style>${STYLE}</style></head><body>
<h1>Change management evidence</h1>
<p>Period ${escape(r.from)} to ${escape(r.to)} (UTC). Generated ${escape(r.generated_at)} by Countersign from the audit log.</p>
<p class="map">Control mapping: SOC 2 CC8.1 (changes are authorised, designed, tested, approved and implemented); ISO/IEC 27001:2022 Annex A 8.32 (change management).</p>

<h2>1. How our change management works (SOC 2 CC8.1, ISO 27001 A.8.32)</h2>
<ul>${r.policy.map((line) => `<li>${escape(line)}</li>`).join('\n')}</ul>

<h2>2. High-risk changes in the period: authorisation and approval (CC8.1)</h2>
<p>${r.rows.actions.length} high-risk action(s), each with its proposer, its approvers and their reasons, and its outcome.</p>
${table(r.rows.actions, [['proposal_id', 'Proposal'], ['what', 'What'], ['why', 'Why'], ['command', 'Action'], ['risk_classes', 'Risk'], ['proposer', 'Proposed by'], ['approval_reasons', 'Approvals (reason)'], ['rejection_reason', 'Rejection'], ['created_at', 'Proposed'], ['decided_at', 'Decided'], ['status', 'Status'], ['execution', 'Execution']], 'No high-risk actions in the period.')}

<h2>3. Refused attempts: segregation of duties enforced (CC8.1, A.8.32)</h2>
<p>Self-approval, a second vote by the same person, bundled decisions, late decisions and unapproved or altered executions are refused and recorded.</p>
${table(r.rows.refusals, [['seq', 'Event'], ['at', 'At'], ['proposal_id', 'Proposal'], ['actor', 'Who'], ['attempt', 'Attempt'], ['code', 'Refused as'], ['reason', 'Detail']], 'No refused attempts in the period.')}

<h2>4. Expired proposals (A.8.32)</h2>
<p>Expired proposals are never retried. Likely cause: ${Object.entries(EXPIRY_GROUP_MEANING).map(([g, m]) => `<b>${g}</b>, ${escape(m)}`).join('; ')}.</p>
${table(r.rows.expirations, [['proposal_id', 'Proposal'], ['what', 'What'], ['proposer', 'Proposed by'], ['urgency', 'Urgency'], ['approvals_received', 'Approvals'], ['required_approvals', 'Needed'], ['waited_minutes', 'Waited (min)'], ['group', 'Likely cause'], ['opened_by', 'Opened by'], ['notified', 'Notified'], ['expired_at', 'Expired']], 'No proposals expired in the period.')}

<h2>5. Integrity of the record</h2>
${verdict}
${r.checkpoint ? `<p>Signed checkpoint covering events 1 to ${r.checkpoint.tree_size} (root ${escape(r.checkpoint.root_hash)}):</p><pre>${escape(r.checkpoint.note)}</pre>` : '<p class="bad">No signed checkpoint was available.</p>'}
${r.public_key ? `<p>Verify with the public key <code>${escape(r.public_key)}</code>: <code>countersign audit verify --checkpoint checkpoint.txt --public-key KEY</code>.</p>` : ''}

<h2>6. Files in this evidence pack</h2>
<ul>${r.files.map((f) => `<li>${escape(f)}</li>`).join('')}</ul>
</body></html>
`;
}
