import type { Notification } from '../domain/notification.js';

const HEADLINES: Record<Notification['type'], string> = {
  'proposal.created': 'Approval needed',
  'approval.recorded': 'Approval recorded',
  'proposal.approved': 'Approved',
  'proposal.rejected': 'Rejected',
  'proposal.expired': 'Expired (never retried: review it)',
  'approvers.flagged': 'Approvers flagged for rubber-stamping',
};

/** One line a person reads first. */
export function headline(n: Notification): string {
  const p = n.proposal;
  if (!p) return `${HEADLINES[n.type]}: ${n.flagged!.map((f) => `${f.identity} (${f.flags.join(', ')})`).join('; ')}`;
  const who = n.decision ? ` by ${n.decision.identity}` : '';
  return `${HEADLINES[n.type]}${who}: ${p.what} (${p.approvals} of ${p.required_approvals} approvals, proposed by ${p.proposer})`;
}

/** The generic JSON webhook's body: the notification as data, with a link to review it. */
export function jsonBody(n: Notification, link: string | undefined): string {
  const { key, ...rest } = n;
  return JSON.stringify({ id: key, ...rest, summary: headline(n), ...(link ? { url: link } : {}) });
}

/** Slack reads `&`, `<` and `>` as markup (`<!channel>`, `<url|text>`): text from proposals must not. */
const slackEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** A Slack-compatible incoming-webhook message: `text` for notifications, blocks for the channel. */
export function slackBody(n: Notification, link: string | undefined): string {
  const lines = [`*${slackEscape(clip(headline(n), 300))}*`];
  const p = n.proposal;
  if (p) {
    lines.push(`*Why:* ${slackEscape(clip(p.why, 500))}`);
    if (p.risk.length > 0) lines.push(`*Risk:* ${p.risk.join(', ')} · *Urgency:* ${p.urgency} · *Expires:* ${p.expires_at}`);
    if (p.action.command) lines.push(`\`\`\`${slackEscape(clip(p.action.command, 800)).replace(/`/g, 'ˋ')}\`\`\``);
  }
  if (n.decision) lines.push(`*Reason:* ${slackEscape(clip(n.decision.reason, 500))}`);
  for (const f of n.flagged ?? []) {
    lines.push(`• ${slackEscape(f.identity)}: ${f.flags.join(', ')} — ${f.decisions} decisions, ${Math.round(f.approval_rate * 100)}% approved, median review ${f.median_review_seconds.toFixed(0)} s`);
  }
  if (link) lines.push(`<${link}|Open in Countersign>`);
  const text = lines.join('\n');
  return JSON.stringify({ text: slackEscape(clip(headline(n), 300)), blocks: [{ type: 'section', text: { type: 'mrkdwn', text: clip(text, 2900) } }] });
}
