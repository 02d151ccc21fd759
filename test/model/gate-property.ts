import fc from 'fast-check';
import { expect } from 'vitest';
import { api } from '../support/harness.js';
import { coverage } from './gate-checks.js';
import { COMMANDS, runSequence } from './gate-steps.js';
import type { GateSystem } from './gate-system.js';

/**
 * Random interleavings of propose, approve, reject, expiry, claim and outcome,
 * by random identities, over real HTTP, held after every step against the
 * reference model in gate-model.ts. `npm run test:deep` runs thousands of
 * sequences (COUNTERSIGN_MODEL_RUNS). A failure prints its seed, path and
 * replayPath: COUNTERSIGN_MODEL_SEED, COUNTERSIGN_MODEL_PATH and
 * COUNTERSIGN_MODEL_REPLAY replay it.
 */
const RUNS = process.env.COUNTERSIGN_MODEL_RUNS === undefined ? undefined : Number(process.env.COUNTERSIGN_MODEL_RUNS);
const SEED = process.env.COUNTERSIGN_MODEL_SEED === undefined ? undefined : Number(process.env.COUNTERSIGN_MODEL_SEED);
const PATH = process.env.COUNTERSIGN_MODEL_PATH;
const REPLAY = process.env.COUNTERSIGN_MODEL_REPLAY;
/** Sequences per store in `npm test`: SQLite's are cheap; a PostgreSQL step costs about three times as much. */
export const DEFAULT_RUNS = { sqlite: 150, postgres: 100 };
/** Generous: only a hung server should ever reach it. */
export const timeoutFor = (defaultRuns: number) => 120_000 + (RUNS ?? defaultRuns) * 1_000;

/** Runs the property on one gate (`defaultRuns` sequences unless COUNTERSIGN_MODEL_RUNS says), then verifies the whole audit log through the API. */
export async function agreesWithTheModel(sys: GateSystem, defaultRuns: number) {
  const totals = { sequences: 0, steps: 0, proposals: 0 };
  coverage.clear();
  await fc.assert(
    fc.asyncProperty(fc.commands(COMMANDS, { maxCommands: 30, size: 'max', replayPath: REPLAY }), async (commands) => {
      const { model, steps } = await runSequence(sys, commands);
      totals.sequences++;
      totals.steps += steps;
      totals.proposals += model.proposals.length;
    }),
    { numRuns: RUNS ?? defaultRuns, seed: SEED, path: PATH },
  );
  const verified = await api(sys.replicas[0]!.url, sys.tokens.audrey).get('/v1/audit/verify');
  expect(verified.body).toMatchObject({ ok: true });
  // A deep run also shows what it covered: each kind of answer and each end state, with counts.
  if (process.env.COUNTERSIGN_MODEL_RUNS) console.log([...coverage].sort().map(([k, n]) => `${String(n).padStart(6)} ${k}`).join('\n'));
  console.log(`model: ${totals.sequences} sequences, ${totals.steps} steps, ${totals.proposals} proposals; audit log of ${verified.body.events} events verified`);
}
