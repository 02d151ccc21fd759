// How random steps are drawn: who acts, on which proposal, how often.
import fc from 'fast-check';
import { expect } from 'vitest';
import { PEOPLE, STRANGER, type Template, type Urgency } from './gate-cast.js';
import { expectTracked, tally } from './gate-checks.js';
import { AdvanceClock, Claim, type Command, Decide, MAX_PROPOSALS, Propose, RecordOutcome, Sweep } from './gate-commands.js';
import { CLAIMANT, type ClaimHash, type DecisionBody, GateModel, type Outcome, PROPOSER, PROPOSER_OWNER, type Target } from './gate-model.js';
import type { GateSystem } from './gate-system.js';

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
