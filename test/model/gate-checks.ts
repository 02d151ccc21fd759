// What the real gate answered and holds, held against what the model says.
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { expect } from 'vitest';
import type { ApiResponse } from '../support/harness.js';
import { actionOf, type Template } from './gate-cast.js';
import { call } from './gate-client.js';
import { EVENTS_WITH_REASON, type Expected, type ModelEvent, type ModelProposal, type Target, type Tracked } from './gate-model.js';
import type { GateSystem } from './gate-system.js';

/** The action hash as the contract defines it, computed here and not by the server's code. */
export const hashOf = (template: Template) => `sha256:${createHash('sha256').update(canonicalize(actionOf(template))!).digest('hex')}`;

const replicaUrl = (sys: GateSystem, replica: number) => sys.replicas[replica % sys.replicas.length]!.url;
/** Calls replica `replica` (modulo their number) as `actor`. */
export function as(sys: GateSystem, replica: number, actor: string) {
  const url = replicaUrl(sys, replica);
  const token = sys.tokens[actor];
  return { get: (path: string) => call(url, token, 'GET', path), post: (path: string, body: unknown) => call(url, token, 'POST', path, body) };
}

/** A proposal as the model sees it: decisions by identity, reason and time; execution by state and claimant. */
function viewOf(body: any): ModelProposal {
  const decision = (d: any) => d && { identity: d.identity, reason: d.reason, at: d.at };
  const { state, claimed_by, claimed_at, finished_at, detail } = body.execution;
  return {
    status: body.status,
    proposer: body.proposer,
    required_approvals: body.required_approvals,
    approvals: body.approvals.map(decision),
    rejection: decision(body.rejection),
    created_at: body.created_at,
    expires_at: body.expires_at,
    decided_at: body.decided_at,
    execution: { state, claimed_by, claimed_at, finished_at, detail },
  };
}

const eventOf = (e: any): ModelEvent => ({
  type: e.type,
  actor: e.actor,
  ...(e.type === 'attempt.refused' ? { code: e.data.code } : {}),
  ...(EVENTS_WITH_REASON.includes(e.type) ? { reason: e.reason } : {}),
});

/** How often each kind of answer and each end state came up, to see what the runs covered. */
export const coverage = new Map<string, number>();
export const tally = (key: string) => coverage.set(key, (coverage.get(key) ?? 0) + 1);

/** The answer matches the model's: status, and for a refusal its problem code or the field it names. */
export function expectAnswer(res: ApiResponse, expected: Expected, step: string) {
  tally(`${step.split(' ')[0]} ${expected.status}${expected.code ? ` ${expected.code}` : ''}${expected.field ? ` ${expected.field}` : ''}`);
  expect(res.status, `${step}: status (${JSON.stringify(res.body)})`).toBe(expected.status);
  if (expected.status < 400) return;
  expect(res.contentType, `${step}: problem+json`).toMatch(/^application\/problem\+json/);
  if (expected.code) expect(res.body.code, `${step}: problem code`).toBe(expected.code);
  if (expected.field) expect(res.body.errors?.[0]?.field, `${step}: field named`).toBe(expected.field);
}

/**
 * Holds the proposal's state and its audit rows against the model. The state
 * is the answer when the step's answer was the proposal; otherwise it is read
 * back from the replica the step did not use (so a write on one is seen from
 * the other), as the auditor, whose reads change nothing. With `chain`, the
 * audit events come through the API's chain route instead of the database.
 */
export async function expectTracked(sys: GateSystem, t: Tracked, replica: number, step: string, { answer, chain = false }: { answer?: unknown; chain?: boolean } = {}) {
  const reader = as(sys, replica + 1, 'audrey');
  const [current, events] = await Promise.all([
    answer ?? reader.get(`/v1/proposals/${t.id}`).then((r) => {
      expect(r.status, `${step}: read #${t.n}`).toBe(200);
      return r.body;
    }),
    chain ? reader.get(`/v1/audit/proposals/${t.id}`).then((r) => r.body.events) : sys.auditRows(t.id),
  ]);
  expect(viewOf(current), `${step}: state of #${t.n}${answer ? ' in the answer' : ''}`).toEqual(t.view);
  expect(events.map(eventOf), `${step}: audit events of #${t.n}`).toEqual(t.events);
  if (chain) expect(events.every((e: any) => e.proposal_id === t.id), `${step}: events name #${t.n}`).toBe(true);
}

/** Moves a tracked proposal to the state the model expects next. */
export function update(t: Tracked, next: Expected['next']) {
  if (!next) return;
  t.view = next.view;
  t.events = next.events;
}

export const label = (t: Tracked | undefined) => (t ? `#${t.n}` : 'an unknown id');
export const targetText = (target: Target) => (target === 'unknown' ? 'an unknown id' : `${target.among}[${target.k}]`);
