import { afterAll, beforeAll, describe, it } from 'vitest';
import { closeClient } from './gate-client.js';
import { agreesWithTheModel, DEFAULT_RUNS, timeoutFor } from './gate-property.js';
import { type GateSystem, startSqliteGate } from './gate-system.js';

describe('the gate against its reference model, on SQLite', () => {
  let sys: GateSystem;
  beforeAll(async () => {
    sys = await startSqliteGate();
  });
  afterAll(async () => {
    closeClient();
    await sys?.close();
  });

  it('answers, decides and audits every step as the model says, and the log verifies', () => agreesWithTheModel(sys, DEFAULT_RUNS.sqlite), timeoutFor(DEFAULT_RUNS.sqlite));
});
