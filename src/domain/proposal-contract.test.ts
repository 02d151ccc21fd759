import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { ACTION_TYPES, type Action, type ProposalInput, URGENCIES } from '../contract/proposal-types.js';
import * as schema from './proposal-schema.js';

describe('the proposal schema and the wire contract', () => {
  it('parse exactly the shapes the contract declares', () => {
    expectTypeOf<z.infer<typeof schema.actionSchema>>().toEqualTypeOf<Action>();
    expectTypeOf<z.infer<typeof schema.proposalInputSchema>>().toEqualTypeOf<ProposalInput>();
  });

  it('list the same action types and urgencies', () => {
    expect(schema.ACTION_TYPES).toEqual(ACTION_TYPES);
    expect(schema.URGENCIES).toEqual(URGENCIES);
  });
});
