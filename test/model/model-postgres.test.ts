import { afterAll, beforeAll, describe, it } from 'vitest';
import { TEST_PG_URL } from '../support/postgres.js';
import { closeClient } from './gate-client.js';
import { agreesWithTheModel, DEFAULT_RUNS, timeoutFor } from './gate-property.js';
import { type GateSystem, startPostgresGate } from './gate-system.js';

describe.skipIf(!TEST_PG_URL)('the gate against its reference model, on two PostgreSQL replicas (set COUNTERSIGN_TEST_PG_URL)', () => {
  let sys: GateSystem;
  beforeAll(async () => {
    sys = await startPostgresGate(TEST_PG_URL!);
  });
  afterAll(async () => {
    closeClient();
    await sys?.close();
  });

  it('answers, decides and audits every step as the model says whichever replica serves it, and the log verifies', () => agreesWithTheModel(sys, DEFAULT_RUNS.postgres), timeoutFor(DEFAULT_RUNS.postgres));
});
