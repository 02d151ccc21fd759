import { randomUUID } from 'node:crypto';
import { actionHash } from '../contract/canonical-json.js';
import { statsFromTallies, tallyDecisions, windowParts } from '../domain/approver-stats.js';
import type { Change } from '../domain/change.js';
import { expire, type Verdict } from '../domain/decide.js';
import { checkSignature, decideSigned, type RelyingParty, replayRefusal, signedDecisionBodySchema } from '../domain/decision-signature.js';
import { conflict, forbidden, notFound } from '../domain/errors.js';
import { claim, grantOf, recordOutcome } from '../domain/execution.js';
import { hasRole, type Identity } from '../domain/identity.js';
import { openProposal, type Proposal, type Status } from '../domain/proposal.js';
import {
  claimBodySchema,
  outcomeBodySchema,
  parseInput,
  proposalInputSchema,
} from '../domain/proposal-schema.js';
import { assess } from '../policy/assess.js';
import type { Policy } from '../policy/policy-config.js';
import type { ApproverTallyReader } from '../store/approver-tally-store.js';
import type { ChangeFeed } from '../store/change-feed.js';
import type { DeliveryReader, DeliveryStatus } from '../store/delivery-queue.js';
import type { KeyReader, KeyStore } from '../store/key-store.js';
import type { ProposalStore } from '../store/proposal-store.js';
import type { ReviewStore } from '../store/review-store.js';
import { EXPIRY_GROUP_MEANING, type ExpiryGroup } from '../domain/expiry-review.js';
import { expiryFacts } from './expiry-facts.js';
import { createDecisionWaiters } from './decision-waiters.js';

export interface ApprovalServiceDeps {
  store: ProposalStore & ReviewStore & ApproverTallyReader & KeyReader & Pick<KeyStore, 'advanceSignCount'> & DeliveryReader & ChangeFeed;
  policy: Policy;
  clock: () => number;
  newId?: () => string;
  /** Signs a checkpoint covering the log before any execution is granted. */
  checkpoints?: { coverNow(): Promise<unknown> };
}

export const MAX_WAIT_SECONDS = 300;

/** The gate: proposals, decisions, execution claims and expiry, each committed with its audit events. */
export function createApprovalService({ store, policy, clock, newId = randomUUID, checkpoints }: ApprovalServiceDeps) {
  const waiters = createDecisionWaiters(store);

  async function load(id: string): Promise<Proposal> {
    const proposal = await store.getProposal(id);
    if (!proposal) throw notFound(`Proposal "${id}"`);
    return proposal;
  }

  /** Commits a rule's change; a refused attempt is committed (audited) and then thrown. */
  async function apply(id: string, rule: (p: Proposal) => Change | undefined): Promise<Proposal> {
    const change = await store.updateProposal(id, rule);
    if (!change) throw notFound(`Proposal "${id}"`);
    if (change.refusal) throw change.refusal;
    return change.proposal;
  }

  async function decideOne(id: string, actor: Identity, body: unknown, verdict: Verdict, rp?: RelyingParty): Promise<Proposal> {
    const proposal = await load(id);
    const { reason, signature } = parseInput(signedDecisionBodySchema, body);
    const [firstViewedAt, key] = await Promise.all([store.firstViewedAt(id, actor.name), signature && store.getKey(signature.key_id)]);
    // What a signature covers (id, action_hash, level) never changes, so it is checked outside the transaction.
    let check = checkSignature({ proposal, verdict, actor, reason, signature, key, rp });
    // A passkey's counter is stored as grown before the decision counts: of two requests with one assertion, one wins.
    if (check.signCount !== undefined && key && !(await store.advanceSignCount(key.key_id, key.sign_count, check.signCount))) {
      check = { refusal: replayRefusal(proposal.signed_decisions === 'required' ? 'signature_required' : 'signature_invalid', key.key_id), presented: check.verified };
    }
    return apply(id, (p) => decideSigned(p, { verdict, actor, reason, now: clock(), firstViewedAt }, check));
  }

  return {
    /**
     * Proposes. With an idempotency key, a retry of the same request returns
     * the proposal made the first time (`replayed`), and the key reused for a
     * different request is refused: an agent may resend after a lost answer
     * without proposing twice.
     */
    async propose(actor: Identity, body: unknown, idempotencyKey?: string): Promise<{ proposal: Proposal; replayed: boolean }> {
      const input = parseInput(proposalInputSchema, body);
      if (!hasRole(actor, 'proposer')) throw forbidden('not_a_proposer', `"${actor.name}" lacks the proposer role.`);
      const once = idempotencyKey === undefined ? undefined : { key: idempotencyKey, request_hash: actionHash(input) };
      const { proposal, events } = openProposal({
        id: newId(),
        input,
        actionHash: actionHash(input.action),
        proposer: actor,
        assessment: assess(input, policy),
        now: clock(),
      });
      const result = await store.insertProposal(proposal, events, once);
      if (result.created) return { proposal, replayed: false };
      if (result.request_hash !== once!.request_hash) {
        throw conflict('idempotency_key_reused', `Idempotency-Key "${once!.key}" was used for a different proposal (${result.existing.id}); send a new key for a new proposal.`);
      }
      return { proposal: result.existing, replayed: true };
    },

    /** Reads one proposal; an approver's first read is remembered as the start of their review. */
    async get(id: string, viewer: Identity): Promise<Proposal> {
      const proposal = await load(id);
      if (hasRole(viewer, 'approver') && proposal.status === 'pending') await store.recordView(id, viewer.name, clock());
      return proposal;
    },

    list(status: Status | undefined, limit = 500): Promise<Proposal[]> {
      return store.listProposals({ status, limit });
    },

    /** `rp`: where passkey assertions must come from (this server's public origin); keys do not need it. */
    approve: (id: string, actor: Identity, body: unknown, rp?: RelyingParty) => decideOne(id, actor, body, 'approve', rp),
    reject: (id: string, actor: Identity, body: unknown, rp?: RelyingParty) => decideOne(id, actor, body, 'reject', rp),

    /** Long-poll: returns as soon as the proposal is no longer pending, or after `seconds`. */
    async waitForDecision(id: string, seconds: number, signal?: AbortSignal): Promise<Proposal> {
      const deadline = clock() + Math.min(Math.max(seconds, 0), MAX_WAIT_SECONDS) * 1000;
      for (;;) {
        // Subscribe before reading, so a decision landing in between is not missed.
        const changed = waiters.nextChange(id, Math.max(0, deadline - clock()), signal);
        const proposal = await load(id);
        if (proposal.status !== 'pending' || clock() >= deadline || signal?.aborted) return proposal;
        if (!(await changed)) return load(id);
      }
    },

    async claimExecution(id: string, actor: Identity, body: unknown) {
      await load(id);
      const { action_hash } = parseInput(claimBodySchema, body);
      // The approvals are committed already: a checkpoint signed now covers
      // them before anything may run. The claim itself stays one atomic
      // update, so a claim still succeeds exactly once.
      await checkpoints?.coverNow();
      return grantOf(await apply(id, (p) => claim(p, actor, action_hash, clock())));
    },

    async recordOutcome(id: string, actor: Identity, body: unknown): Promise<Proposal> {
      await load(id);
      const { outcome, detail } = parseInput(outcomeBodySchema, body);
      return apply(id, (p) => recordOutcome(p, actor, outcome, detail, clock()));
    },

    /** Expires every overdue pending proposal once; returns the ids it expired. */
    async expireOverdue(): Promise<string[]> {
      const expired: string[] = [];
      for (;;) {
        const ids = await store.overdueProposalIds(new Date(clock()).toISOString(), 100);
        for (const id of ids) {
          const change = await store.updateProposal(id, (p) => expire(p, clock()));
          if (change && change.events.length > 0) expired.push(id);
        }
        if (ids.length < 100) return expired;
      }
    },

    /**
     * Per-approver statistics over a window of decisions: the policy's (default 30 days back) unless given;
     * only `identities`' if given (a proposal's page asks for its own approvers). Whole days are read from
     * the day tallies, so the cost grows with approvers and days, not decisions; only a partial day at
     * either end of the window reads that day's decisions.
     */
    async approverReport(range: { from?: string; to?: string; identities?: string[] } = {}) {
      const to = range.to ?? new Date(clock()).toISOString();
      const from = range.from ?? new Date(Date.parse(to) - policy.rubber_stamp_window_ms).toISOString();
      // Without an explicit end, nothing recent is cut off (another replica's clock may run ahead).
      const { days, partial } = windowParts(from, range.to === undefined ? undefined : to);
      const { identities } = range;
      const [whole, ...parts] = await Promise.all([
        days ? store.approverDayTallies(days.from, days.to, identities) : [],
        ...partial.map(async (p) => tallyDecisions(await store.listDecisions(p.from, p.to, identities))),
      ]);
      return { approvers: statsFromTallies([...whole!, ...parts.flat()], policy.rubber_stamp), thresholds: policy.rubber_stamp, window: { from, to } };
    },

    /**
     * Expired proposals for team review (never retried): how long each waited,
     * who opened it, who was notified, and a group that tells understaffing
     * from a proposal nobody would sign.
     */
    async expiredReport() {
      const expired = await store.listProposals({ status: 'expired', limit: 1000 });
      const facts = await expiryFacts(store, expired.map((p) => ({ id: p.id, approvals: p.approvals.length })));
      const items = expired.map((p) => ({
          id: p.id,
          what: p.what,
          proposer: p.proposer,
          urgency: p.urgency,
          risk: p.risk.classes,
          created_at: p.created_at,
          expired_at: p.decided_at,
          waited_seconds: Math.round((Date.parse(p.decided_at ?? p.expires_at) - Date.parse(p.created_at)) / 1000),
          approvals_received: p.approvals.length,
          required_approvals: p.required_approvals,
          approved_by: p.approvals.map((a) => a.identity),
          ...facts.get(p.id)!,
        }));
      const groups = (Object.keys(EXPIRY_GROUP_MEANING) as ExpiryGroup[]).map((group) => ({
        group,
        meaning: EXPIRY_GROUP_MEANING[group],
        count: items.filter((i) => i.group === group).length,
      }));
      return { groups, items };
    },

    /** Webhook deliveries, newest first: what was sent where, and how it went. */
    async deliveries(query: { status?: DeliveryStatus; proposalId?: string; limit: number }) {
      const rows = await store.listDeliveries({ status: query.status, proposalIds: query.proposalId ? [query.proposalId] : undefined, limit: query.limit });
      return {
        items: rows.map(({ body: _body, next_attempt_at, ...d }) => ({
          ...d,
          next_attempt_at: d.status === 'pending' ? new Date(next_attempt_at).toISOString() : null,
        })),
      };
    },

    /** Shutting down: every long-poll answers now with the proposal as it is, and so does any later one. */
    releaseWaiters: waiters.release,

    close: waiters.close,
  };
}

export type ApprovalService = ReturnType<typeof createApprovalService>;
