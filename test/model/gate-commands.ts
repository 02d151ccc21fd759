import type fc from 'fast-check';
import { expect } from 'vitest';
import { actionOf, proposalBody, type Template, type Urgency } from './gate-cast.js';
import { as, expectAnswer, expectTracked, hashOf, label, targetText, update } from './gate-checks.js';
import type { ApiResponse } from '../support/harness.js';
import {
  type ActorSpec,
  type ClaimHash,
  type DecisionBody,
  expectClaim,
  expectDecision,
  expectOutcome,
  expectPropose,
  expectSweep,
  type Expected,
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

/** What a step on one proposal sends, and what the model expects of it. */
interface Attempt {
  expected: Expected;
  path: string;
  body: unknown;
}

/** A step on one proposal of the sequence (or on an id nobody has), by an actor as the model names them. */
abstract class OnProposal implements Command {
  /** The proposal it acted on, once run (for the counterexample). */
  private on = '';
  constructor(
    readonly actor: ActorSpec,
    readonly target: Target,
    readonly replica: number,
  ) {}

  /** The request to send for proposal `t` (undefined: the unknown id) and what the model expects. */
  protected abstract attempt(model: GateModel, t: Tracked | undefined, actor: string): Attempt;
  /** The status whose answer is the proposal itself. */
  protected abstract readonly answersWithProposal: number | undefined;
  protected abstract describe(): string;
  /** Further checks of a successful answer. */
  protected checkAnswer(_res: ApiResponse, _t: Tracked, _step: string): void {}

  check = (m: Readonly<GateModel>) => m.has(this.target);

  async run(model: GateModel, sys: GateSystem) {
    const t = model.resolve(this.target);
    this.on = label(t);
    const step = this.toString();
    const actor = resolveActor(this.actor, t);
    const { expected, path, body } = this.attempt(model, t, actor);
    const res = await as(sys, this.replica, actor).post(`/v1/proposals/${t?.id ?? UNKNOWN_ID}/${path}`, body);
    expectAnswer(res, expected, step);
    if (!t) return;
    update(t, expected.next);
    if (res.status < 300) this.checkAnswer(res, t, step);
    await expectTracked(sys, t, this.replica, step, { answer: res.status === this.answersWithProposal ? res.body : undefined });
  }

  toString = () => `${this.describe()} on ${this.on || targetText(this.target)} as ${this.actor} @${this.replica}`;
}

export class Decide extends OnProposal {
  constructor(
    readonly verdict: 'approve' | 'reject',
    actor: ActorSpec,
    target: Target,
    readonly body: DecisionBody,
    readonly reason: string,
    replica: number,
  ) {
    super(actor, target, replica);
  }
  protected readonly answersWithProposal = 201;
  protected attempt(model: GateModel, t: Tracked | undefined, actor: string): Attempt {
    const body = {
      reason: { reason: this.reason },
      'no-reason': {},
      'blank-reason': { reason: '   ' },
      bundle: { reason: this.reason, proposal_ids: model.proposals.map((p) => p.id) },
    }[this.body];
    return {
      expected: expectDecision(t, actor, this.verdict, this.body, this.reason, model.now),
      path: this.verdict === 'approve' ? 'approvals' : 'rejections',
      body,
    };
  }
  protected describe = () => `${this.verdict} (${this.body}: "${this.reason}")`;
}

export class Claim extends OnProposal {
  constructor(
    actor: ActorSpec,
    target: Target,
    readonly hash: ClaimHash,
    replica: number,
  ) {
    super(actor, target, replica);
  }
  protected readonly answersWithProposal = undefined;
  protected attempt(model: GateModel, t: Tracked | undefined, actor: string): Attempt {
    const other: Template = t?.template === 'drop' ? 'refund' : 'drop';
    const action_hash = { approved: t?.action_hash ?? hashOf('drop'), other: hashOf(other), malformed: 'sha256:not-hex' }[this.hash];
    return { expected: expectClaim(t, actor, this.hash, model.now), path: 'execution', body: { action_hash } };
  }
  /** The grant is exactly the approved action, to the claimant. */
  protected override checkAnswer(res: ApiResponse, t: Tracked, step: string) {
    const { claimed_by, claimed_at } = t.view.execution;
    expect(res.body.grant, `${step}: grant`).toMatchObject({ proposal_id: t.id, action: actionOf(t.template), action_hash: t.action_hash, claimed_by, claimed_at });
  }
  protected describe = () => `claim with the ${this.hash} hash`;
}

export class RecordOutcome extends OnProposal {
  constructor(
    actor: ActorSpec,
    target: Target,
    readonly outcome: Outcome,
    readonly detail: string | undefined,
    replica: number,
  ) {
    super(actor, target, replica);
  }
  protected readonly answersWithProposal = 200;
  protected attempt(model: GateModel, t: Tracked | undefined, actor: string): Attempt {
    return {
      expected: expectOutcome(t, actor, this.outcome, this.detail, model.now),
      path: 'execution/result',
      body: { outcome: this.outcome, ...(this.detail === undefined ? {} : { detail: this.detail }) },
    };
  }
  protected describe = () => `record ${this.outcome}${this.detail === undefined ? '' : ` ("${this.detail}")`}`;
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
