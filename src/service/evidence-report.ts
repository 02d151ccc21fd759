import type { NoteVerifier } from '../audit/note-key.js';
import { type ExpiryRow, reportRows } from '../audit/report-data.js';
import { expiryFacts } from './expiry-facts.js';
import type { ReportInput } from '../audit/report-html.js';
import type { AuditEvent } from '../domain/audit-event.js';
import type { Proposal } from '../domain/proposal.js';
import type { Policy } from '../policy/policy-config.js';
import { policySummary } from '../policy/policy-summary.js';
import type { AuditLogReader, StoredCheckpoint } from '../store/audit-log-store.js';
import type { DeliveryReader } from '../store/delivery-queue.js';
import type { ProposalReader } from '../store/proposal-store.js';
import type { ReviewReader } from '../store/review-store.js';
import { allEvents, verifyLog } from './audit-service.js';

export interface EvidenceOptions {
  /** ISO instants; events with from <= at < to are in the period. */
  from: string;
  to: string;
  policy: Policy;
  checkpoint: StoredCheckpoint | undefined;
  verifier: NoteVerifier | undefined;
  clock: () => number;
}

/** Gathers the period's events and proposals, and verifies the whole log, for the evidence pack. */
export async function gatherEvidence(store: AuditLogReader & ProposalReader & ReviewReader & DeliveryReader, o: EvidenceOptions): Promise<{ input: Omit<ReportInput, 'files'>; events: AuditEvent[] }> {
  const events: AuditEvent[] = [];
  for await (const e of allEvents(store)) if (e.at >= o.from && e.at < o.to) events.push(e);
  const proposals = new Map<string, Proposal>();
  for (const id of new Set(events.map((e) => e.proposal_id))) {
    const p = id ? await store.getProposal(id) : undefined;
    if (p) proposals.set(p.id, p);
  }
  const verification = await verifyLog(store, { verifier: o.verifier });
  const rows = reportRows(events, proposals);
  await addExpiryReview(store, rows.expirations);
  const { tree_size, root_hash, note } = o.checkpoint ?? {};
  return {
    events,
    input: {
      from: o.from,
      to: o.to,
      generated_at: new Date(o.clock()).toISOString(),
      rows,
      policy: policySummary(o.policy),
      checkpoint: note ? { tree_size: tree_size!, root_hash: root_hash!, note } : null,
      public_key: o.verifier?.text ?? null,
      verification,
    },
  };
}

/** Adds the expiry review's group, viewers and notified webhooks to each expiration. */
async function addExpiryReview(store: ReviewReader & DeliveryReader, rows: ExpiryRow[]): Promise<void> {
  const facts = await expiryFacts(store, rows.map((r) => ({ id: r.proposal_id, approvals: r.approvals_received })));
  for (const row of rows) {
    const { group, viewed_by, notified } = facts.get(row.proposal_id)!;
    row.group = group;
    row.opened_by = viewed_by.join(', ') || 'nobody';
    row.notified = notified.map((n) => `${n.webhook} (${n.event}: ${n.status})`).join(', ') || 'no webhook';
  }
}
