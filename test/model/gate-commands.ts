import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { expect } from 'vitest';
import type { ApiResponse } from '../support/harness.js';
import { call } from './gate-client.js';
import {
  actionOf,
  type ClaimHash,
  type DecisionBody,
  EVENTS_WITH_REASON,
  expectClaim,
  expectDecision,
  type Expected,
  expectOutcome,
  expectPropose,
  expectSweep,
  GateModel,
  type ModelEvent,
  type ModelProposal,
  type Outcome,
  PEOPLE,
  CLAIMANT,
  PROPOSER,
  PROPOSER_OWNER,
  proposalBody,
  resolveActor,
  STRANGER,
  type Template,
  type Target,
  type Tracked,
  type Urgency,
} from './gate-model.js';
import type { GateSystem } from './gate-system.js';

type Command = fc.AsyncCommand<GateModel, GateSystem>;

/** No proposal has this id. */
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
/** Few proposals per sequence, so that steps pile up on each of them. */
const MAX_PROPOSALS = 3;

/** The action hash as the contract defines it, computed here and not by the server's code. */
export const hashOf = (template: Template) => `sha256:${createHash('sha256').update(canonicalize(actionOf(template))!).digest('hex')}`;

const replicaUrl = (sys: GateSystem, replica: number) => sys.replicas[replica % sys.replicas.length]!.url;
function as(sys: GateSystem, replica: number, actor: string) {
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

/** The answer matches the model's: status, and for a refusal its problem code or the field it names. */
/** How often each kind of answer and each end state came up, to see what the runs covered. */
export const coverage = new Map<string, number>();
const tally = (key: string) => coverage.set(key, (coverage.get(key) ?? 0) + 1);

function expectAnswer(res: ApiResponse, expected: Expected, step: string) {
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
async function expectTracked(sys: GateSystem, t: Tracked, replica: number, step: string, { answer, chain = false }: { answer?: unknown; chain?: boolean } = {}) {
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

function update(t: Tracked, next: Expected['next']) {
  if (!next) return;
  t.view = next.view;
  t.events = next.events;
}

const label = (t: Tracked | undefined) => (t ? `#${t.n}` : 'an unknown id');
const targetText = (target: Target) => (target === 'unknown' ? 'an unknown id' : `${target.among}[${target.k}]`);

class Propose implements Command {
  constructor(
    readonly actor: string,
    readonly template: Template,
    readonly urgency: Urgency,
    readonly valid: boolean,
    readonly replica: number,
  ) {}
  check = (m: Readonly<GateModel>) => m.proposals.length < MAX_PROPOSALS;
  async run(model: GateModel, sys: GateSystem) {
    const step = this.toString();
    const expected = expectPropose(this.actor, this.template, this.urgency, this.valid, model.now);
    const res = await as(sys, this.replica, this.actor).post('/v1/proposals', proposalBody(this.template, this.urgency, this.valid));
    expectAnswer(res, expected, step);
    if (!expected.next) return;
    expect(res.body.action_hash, `${step}: action_hash`).toBe(hashOf(this.template));
    const t: Tracked = { id: res.body.id, n: model.proposals.length, template: this.template, action_hash: res.body.action_hash, ...expected.next };
    model.proposals.push(t);
    await expectTracked(sys, t, this.replica, step, { answer: res.body });
  }
  toString = () => `propose ${this.valid ? '' : 'invalid '}${this.template}/${this.urgency} as ${this.actor} @${this.replica}`;
}

class Decide implements Command {
  constructor(
    readonly verdict: 'approve' | 'reject',
    readonly actor: string,
    readonly target: Target,
    readonly body: DecisionBody,
    readonly reason: string,
    readonly replica: number,
  ) {}
  /** The proposal it acted on, once run (for the counterexample). */
  on = '';
  check = (m: Readonly<GateModel>) => m.has(this.target);
  async run(model: GateModel, sys: GateSystem) {
    const t = model.resolve(this.target);
    this.on = label(t);
    const step = this.toString();
    const actor = resolveActor(this.actor, t);
    const expected = expectDecision(t, actor, this.verdict, this.body, this.reason, model.now);
    const body = {
      reason: { reason: this.reason },
      'no-reason': {},
      'blank-reason': { reason: '   ' },
      bundle: { reason: this.reason, proposal_ids: model.proposals.map((p) => p.id) },
    }[this.body];
    const path = `/v1/proposals/${t?.id ?? UNKNOWN_ID}/${this.verdict === 'approve' ? 'approvals' : 'rejections'}`;
    const res = await as(sys, this.replica, actor).post(path, body);
    expectAnswer(res, expected, step);
    if (!t) return;
    update(t, expected.next);
    await expectTracked(sys, t, this.replica, step, { answer: res.status === 201 ? res.body : undefined });
  }
  toString = () => `${this.verdict} ${this.on || targetText(this.target)} (${this.body}: "${this.reason}") as ${this.actor} @${this.replica}`;
}

class Claim implements Command {
  constructor(
    readonly actor: string,
    readonly target: Target,
    readonly hash: ClaimHash,
    readonly replica: number,
  ) {}
  /** The proposal it acted on, once run (for the counterexample). */
  on = '';
  check = (m: Readonly<GateModel>) => m.has(this.target);
  async run(model: GateModel, sys: GateSystem) {
    const t = model.resolve(this.target);
    this.on = label(t);
    const step = this.toString();
    const actor = resolveActor(this.actor, t);
    const expected = expectClaim(t, actor, this.hash, model.now);
    const other: Template = t?.template === 'drop' ? 'refund' : 'drop';
    const action_hash = { approved: t?.action_hash ?? hashOf('drop'), other: hashOf(other), malformed: 'sha256:not-hex' }[this.hash];
    const res = await as(sys, this.replica, actor).post(`/v1/proposals/${t?.id ?? UNKNOWN_ID}/execution`, { action_hash });
    expectAnswer(res, expected, step);
    if (!t) return;
    update(t, expected.next);
    if (res.status === 200) {
      const { claimed_by, claimed_at } = t.view.execution;
      expect(res.body.grant, `${step}: grant`).toMatchObject({ proposal_id: t.id, action: actionOf(t.template), action_hash: t.action_hash, claimed_by, claimed_at });
    }
    await expectTracked(sys, t, this.replica, step);
  }
  toString = () => `claim ${this.on || targetText(this.target)} with the ${this.hash} hash as ${this.actor} @${this.replica}`;
}

class RecordOutcome implements Command {
  constructor(
    readonly actor: string,
    readonly target: Target,
    readonly outcome: Outcome,
    readonly detail: string | undefined,
    readonly replica: number,
  ) {}
  /** The proposal it acted on, once run (for the counterexample). */
  on = '';
  check = (m: Readonly<GateModel>) => m.has(this.target);
  async run(model: GateModel, sys: GateSystem) {
    const t = model.resolve(this.target);
    this.on = label(t);
    const step = this.toString();
    const actor = resolveActor(this.actor, t);
    const expected = expectOutcome(t, actor, this.outcome, this.detail, model.now);
    const body = { outcome: this.outcome, ...(this.detail === undefined ? {} : { detail: this.detail }) };
    const res = await as(sys, this.replica, actor).post(`/v1/proposals/${t?.id ?? UNKNOWN_ID}/execution/result`, body);
    expectAnswer(res, expected, step);
    if (!t) return;
    update(t, expected.next);
    await expectTracked(sys, t, this.replica, step, { answer: res.status === 200 ? res.body : undefined });
  }
  toString = () => `record ${this.outcome}${this.detail === undefined ? '' : ` ("${this.detail}")`} on ${this.on || targetText(this.target)} as ${this.actor} @${this.replica}`;
}

/** Moves the injected clock; nothing expires until a sweep or a late decision. */
class AdvanceClock implements Command {
  constructor(readonly ms: number) {}
  check = () => true;
  async run(model: GateModel, sys: GateSystem) {
    sys.clock.advance(this.ms);
    model.now += this.ms;
  }
  toString = () => `advance the clock ${this.ms / 60_000} min`;
}

/** Runs one replica's expiry sweeper once: exactly the overdue pending proposals expire. */
class Sweep implements Command {
  constructor(readonly replica: number) {}
  check = () => true;
  async run(model: GateModel, sys: GateSystem) {
    const step = this.toString();
    const expired = await sys.replicas[this.replica % sys.replicas.length]!.sweep();
    const due = model.proposals.map((t) => [t, expectSweep(t, model.now)] as const).filter(([, next]) => next);
    const ours = new Set(model.proposals.map((t) => t.id));
    expect(expired.filter((id) => ours.has(id)).sort(), `${step}: expired`).toEqual(due.map(([t]) => t.id).sort());
    // Proposals left pending by earlier sequences expire too, one event each.
    model.logLength += expired.filter((id) => !ours.has(id)).length;
    for (const [t, next] of due) update(t, next);
    for (const t of model.proposals) await expectTracked(sys, t, this.replica, step);
  }
  toString = () => `sweep @${this.replica}`;
}

const MINUTE = 60_000;
const approvers = PEOPLE.filter((p) => p.roles.includes('approver')).map((p) => p.name);
const everyone = [...PEOPLE.map((p) => p.name), STRANGER];
const proposers = PEOPLE.filter((p) => p.roles.includes('proposer')).map((p) => p.name);

const replica = fc.nat({ max: 1 });
/** Mostly a proposal where the step can make progress (the step waits until there is one), else any, rarely none. */
const targetAmong = (among: Exclude<Target, 'unknown'>['among']) =>
  fc.oneof(
    { weight: 20, arbitrary: fc.nat({ max: MAX_PROPOSALS - 1 }).map((k): Target => ({ k, among })) },
    { weight: 6, arbitrary: fc.nat({ max: MAX_PROPOSALS - 1 }).map((k): Target => ({ k, among: 'any' })) },
    { weight: 1, arbitrary: fc.constant<Target>('unknown') },
  );
const urgency = fc.constantFrom<Urgency>('triage', 'normal', 'low');
const reason = fc.constantFrom('snapshot verified', 'table unused since migration 42', 'no backup of the last hour', 'ok ✓ 検証済み');
const anyone = fc.constantFrom(...everyone, PROPOSER, PROPOSER_OWNER);
const decider = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...approvers) }, { weight: 2, arbitrary: fc.constantFrom(PROPOSER, PROPOSER_OWNER) }, { weight: 1, arbitrary: anyone });
const claimer = fc.oneof({ weight: 4, arbitrary: fc.constant(PROPOSER) }, { weight: 3, arbitrary: fc.constant('runner') }, { weight: 1, arbitrary: anyone });
const reporter = fc.oneof({ weight: 6, arbitrary: fc.constant(CLAIMANT) }, { weight: 2, arbitrary: fc.constantFrom(PROPOSER, 'runner') }, { weight: 1, arbitrary: anyone });

const propose = fc
  .tuple(
    fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...proposers) }, { weight: 1, arbitrary: fc.constantFrom(...everyone) }),
    fc.constantFrom<Template>('drop', 'drop', 'refund', 'read'),
    urgency,
    fc.oneof({ weight: 12, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    replica,
  )
  .map((args) => new Propose(...args));
const decide = fc
  .tuple(
    fc.constantFrom<'approve' | 'reject'>('approve', 'approve', 'approve', 'approve', 'reject'),
    decider,
    targetAmong('pending'),
    fc.oneof({ weight: 12, arbitrary: fc.constant<DecisionBody>('reason') }, { weight: 1, arbitrary: fc.constantFrom<DecisionBody>('no-reason', 'blank-reason', 'bundle') }),
    reason,
    replica,
  )
  .map((args) => new Decide(...args));
const claim = fc
  .tuple(claimer, targetAmong('approved'), fc.constantFrom<ClaimHash>('approved', 'approved', 'approved', 'approved', 'other', 'other', 'malformed'), replica)
  .map((args) => new Claim(...args));
const outcome = fc
  .tuple(reporter, targetAmong('claimed'), fc.constantFrom<Outcome>('succeeded', 'succeeded', 'succeeded', 'failed', 'failed', 'unheard-of'), fc.constantFrom(undefined, 'dropped', ''), replica)
  .map((args) => new RecordOutcome(...args));
const advance = fc.constantFrom(MINUTE, 10 * MINUTE, 29 * MINUTE, 30 * MINUTE, 31 * MINUTE, 60 * MINUTE, 240 * MINUTE, 1440 * MINUTE).map((ms) => new AdvanceClock(ms));
const sweep = replica.map((r) => new Sweep(r));

/** The steps and how often each comes (fast-check picks among the list evenly, so weight by repetition). */
export const COMMANDS = [propose, propose, decide, decide, decide, decide, decide, claim, claim, outcome, outcome, advance, sweep];

/**
 * Runs `commands` against a fresh model whose time is the system's. After
 * each step the whole log holds exactly the events the model expects (no
 * stray event, no proposal made by a refused request); at the end every
 * proposal is read back once more.
 */
export async function runSequence(sys: GateSystem, commands: Iterable<Command>) {
  const model = new GateModel(sys.clock(), await sys.auditLength());
  let steps = 0;
  const counted = [...commands].map((c): Command => ({
    check: (m) => c.check(m),
    async run(m, r) {
      steps++;
      const before = m.eventCount();
      await c.run(m, r);
      m.logLength += m.eventCount() - before;
      expect(await r.auditLength(), `${c}: length of the audit log`).toBe(m.logLength);
    },
    toString: () => c.toString(),
  }));
  await fc.asyncModelRun(() => ({ model, real: sys }), counted);
  // Nothing changed behind the model's back; one chain also comes through the API's audit route.
  for (const t of model.proposals) {
    await expectTracked(sys, t, 0, 'end of sequence', { chain: t.n === 0 });
    tally(`ended ${t.template} ${t.view.status} ${t.view.approvals.length}/${t.view.required_approvals} ${t.view.execution.state}`);
  }
  return { model, steps };
}
