import type { AuditEvent, VerifyResult } from '../contract/audit-types.js';
import type { Grant, Proposal, ProposalInput, ProposalStatus, SigningKeyRecord } from '../contract/proposal-types.js';
import { type DecisionKey, signDecision } from './decision-signing.js';
import { createGate, type Gate, type GateOptions } from './gate.js';
import { createRequest, type HttpOptions } from './http.js';

/**
 * Options for {@link createClient}.
 *
 * @example
 * const options: ClientOptions = { url: 'http://127.0.0.1:7420', token, gate: { pollSeconds: 10 } };
 */
export interface ClientOptions extends HttpOptions {
  /** How `gate.run` waits and retries; see {@link GateOptions}. */
  gate?: GateOptions;
}

const proposalPath = (id: string) => `/v1/proposals/${encodeURIComponent(id)}`;

/** `?a=1&b=2` for the given values, or nothing when none is given. */
function queryString(values: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams(Object.entries(values).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])));
  return params.size ? `?${params}` : '';
}

/**
 * A typed client for every route of the Countersign HTTP API, plus `gate`, the
 * one call most agents need.
 *
 * @example
 * import { createClient } from 'countersign/sdk';
 *
 * const countersign = createClient({ url: 'http://127.0.0.1:7420', token: process.env.COUNTERSIGN_TOKEN! });
 * const pending = await countersign.list('pending');
 * const proposal = await countersign.waitForDecision(pending[0]!.id, 30);
 */
export function createClient(options: ClientOptions) {
  const request = createRequest(options);
  const decide = async (id: string, verdict: 'approve' | 'reject', reason: string, key: DecisionKey | undefined) =>
    request<Proposal>('POST', `${proposalPath(id)}/${verdict === 'approve' ? 'approvals' : 'rejections'}`, key ? await signDecision((path) => request('GET', path), id, verdict, reason, key) : { reason });
  const keyPath = (keyId: string) => `/v1/keys/${encodeURIComponent(keyId)}`;
  const api = {
    /**
     * `POST /v1/proposals`: propose an action. Throws `InvalidProposal` with field errors on 400.
     * With `idempotencyKey`, sending the same proposal again (say, after a lost answer) returns
     * the first one instead of proposing twice.
     */
    propose: (input: ProposalInput, signal?: AbortSignal, idempotencyKey?: string) =>
      request<Proposal>('POST', '/v1/proposals', input, signal, idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
    /** `GET /v1/proposals?status=S`: the queue, newest first. */
    list: async (status?: ProposalStatus) =>
      (await request<{ items: Proposal[] }>('GET', `/v1/proposals${status ? `?status=${status}` : ''}`)).items,
    /** `GET /v1/proposals/:id`. */
    get: (id: string) => request<Proposal>('GET', proposalPath(id)),
    /** `GET /v1/proposals/:id/decision?wait=S`: returns once decided, or after `waitSeconds` (server caps at 300). */
    waitForDecision: (id: string, waitSeconds: number, signal?: AbortSignal) =>
      request<Proposal>('GET', `${proposalPath(id)}/decision?wait=${Math.max(0, waitSeconds).toFixed(3)}`, undefined, signal),
    /**
     * `POST /v1/proposals/:id/approvals`: approve one proposal; a reason is required. With
     * `options.key` (a registered key's private half) the decision is signed (DESIGN.md §8).
     */
    approve: (id: string, reason: string, options: { key?: DecisionKey } = {}) => decide(id, 'approve', reason, options.key),
    /** `POST /v1/proposals/:id/rejections`: reject one proposal; a reason is required; signed with `options.key`. */
    reject: (id: string, reason: string, options: { key?: DecisionKey } = {}) => decide(id, 'reject', reason, options.key),
    /** `POST /v1/keys`: register a public key (PEM, or base64url of its 32 bytes) that signs your decisions. */
    registerKey: (publicKey: string, label?: string) => request<SigningKeyRecord>('POST', '/v1/keys', { public_key: publicKey, ...(label ? { label } : {}) }),
    /** `GET /v1/keys`: your keys, revoked ones included (an admin may name another identity). */
    listKeys: async (identity?: string) => (await request<{ items: SigningKeyRecord[] }>('GET', `/v1/keys${queryString({ identity })}`)).items,
    /** `POST /v1/keys/:key_id/revocation`: revoke a key at once. */
    revokeKey: (keyId: string, reason?: string) => request<SigningKeyRecord>('POST', `${keyPath(keyId)}/revocation`, reason ? { reason } : {}),
    /** `POST /v1/proposals/:id/execution`: claim the one execution of an approved action. */
    claimExecution: async (id: string, actionHash: string) =>
      (await request<{ grant: Grant }>('POST', `${proposalPath(id)}/execution`, { action_hash: actionHash })).grant,
    /** `POST /v1/proposals/:id/execution/result`: record how the claimed execution ended. */
    recordOutcome: (id: string, outcome: 'succeeded' | 'failed', detail?: string) =>
      request<Proposal>('POST', `${proposalPath(id)}/execution/result`, { outcome, ...(detail === undefined ? {} : { detail }) }),
    /** `GET /v1/audit/proposals/:id`: one proposal's approval chain (auditor or admin). */
    auditChain: async (id: string) => (await request<{ events: AuditEvent[] }>('GET', `/v1/audit/proposals/${encodeURIComponent(id)}`)).events,
    /** `GET /v1/audit/verify`: recompute the whole log (auditor or admin). */
    verifyAudit: () => request<VerifyResult>('GET', '/v1/audit/verify'),
    /** `GET /v1/reports/approvers`: per-approver statistics and rubber-stamp flags (auditor or admin). */
    approverReport: (period: { from?: string; to?: string } = {}) => request<Record<string, unknown>>('GET', `/v1/reports/approvers${queryString(period)}`),
    /** `GET /v1/reports/expired`: expired proposals for team review (auditor or admin). */
    expiredReport: () => request<{ groups: { group: string; meaning: string; count: number }[]; items: Record<string, unknown>[] }>('GET', '/v1/reports/expired'),
    /** `GET /v1/notifications/deliveries`: webhook deliveries, newest first, with their results (auditor or admin). */
    deliveries: (query: { status?: 'pending' | 'delivered' | 'failed'; proposal_id?: string; limit?: number } = {}) =>
      request<{ items: Record<string, unknown>[] }>('GET', `/v1/notifications/deliveries${queryString(query)}`),
    /** `GET /healthz`: liveness. */
    health: () => request<{ ok: boolean }>('GET', '/healthz'),
  };
  const gate: Gate = createGate(api, options.gate);
  return { ...api, gate };
}

/**
 * What {@link createClient} returns.
 *
 * @example
 * function reviewQueue(client: CountersignClient) { return client.list('pending'); }
 */
export type CountersignClient = ReturnType<typeof createClient>;

