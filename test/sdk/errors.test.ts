import { describe, expect, it, vi } from 'vitest';
import * as sdk from '../../src/sdk/index.js';
import type { Proposal } from '../../src/sdk/index.js';

const rejected = { id: 'p1', status: 'rejected', expires_at: '2026-11-25T10:00:00Z', rejection: { identity: 'alice', reason: 'not on a Friday', at: '' } } as Proposal;

describe('SDK errors', () => {
  it('stay instanceof-safe across two copies of the package', async () => {
    vi.resetModules();
    const copy = (await import('../../src/sdk/index.js')) as typeof sdk;
    expect(copy.ProposalRejected).not.toBe(sdk.ProposalRejected);

    const error = new copy.ProposalRejected(rejected);
    expect(error).toBeInstanceOf(sdk.ProposalRejected);
    expect(error).toBeInstanceOf(sdk.CountersignSdkError);
    expect(new sdk.InvalidProposal(400, { errors: [] })).toBeInstanceOf(copy.ApiError);
  });

  it('keep distinct classes apart: an expiry is not a rejection', () => {
    const expired = new sdk.ProposalExpired({ ...rejected, status: 'expired', rejection: null });
    expect(expired).not.toBeInstanceOf(sdk.ProposalRejected);
    expect(expired).toBeInstanceOf(sdk.ProposalExpired);
    expect(new sdk.NotAuthorized(401, {})).not.toBeInstanceOf(sdk.InvalidProposal);
    expect({ code: 'rejected' }).not.toBeInstanceOf(sdk.CountersignSdkError);
  });

  it('carry the rejecting identity and reason, and name themselves', () => {
    const error = new sdk.ProposalRejected(rejected);
    expect(error).toMatchObject({ identity: 'alice', reason: 'not on a Friday', name: 'ProposalRejected', code: 'rejected' });
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toContain('not on a Friday');
  });
});
