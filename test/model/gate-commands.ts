import type fc from 'fast-check';
import { expect } from 'vitest';
import { actionOf, proposalBody, type Template, type Urgency } from './gate-cast.js';
import { as, expectAnswer, expectTracked, hashOf, label, targetText, update } from './gate-checks.js';
import {
  type ClaimHash,
  type DecisionBody,
  expectClaim,
  expectDecision,
  expectOutcome,
  expectPropose,
  expectSweep,
  type GateModel,
  type Outcome,
  resolveActor,
  type Target,
  type Tracked,
} from './gate-model.js';
import type { GateSystem } from './gate-system.js';

/** One step of a sequence: asks the model what should happen, does it over HTTP, and checks that it did. */
export type Command = fc.AsyncCommand<GateModel, GateSystem>;

/** No proposal has this id. */
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
/** Few proposals per sequence, so that steps pile up on each of them. */
export const MAX_PROPOSALS = 3;

export class Propose implements Command {
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

export class Decide implements Command {
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

export class Claim implements Command {
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

export class RecordOutcome implements Command {
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
export class AdvanceClock implements Command {
  constructor(readonly ms: number) {}
  check = () => true;
  async run(model: GateModel, sys: GateSystem) {
    sys.clock.advance(this.ms);
    model.now += this.ms;
  }
  toString = () => `advance the clock ${this.ms / 60_000} min`;
}

/** Runs one replica's expiry sweeper once: exactly the overdue pending proposals expire. */
export class Sweep implements Command {
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
