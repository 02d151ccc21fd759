import { describe, expect, it } from 'vitest';
import type { ProposalInput } from '../domain/proposal-schema.js';
import { assess } from './assess.js';
import { defaultPolicy, parsePolicy, PolicyError } from './policy-config.js';

const input = (command: string, environment = 'staging', criticalPath = false): ProposalInput => ({
  action: { type: 'sql', command, target: { environment } },
  what: 'change the data',
  why: 'ticket 42',
  blast_radius: { resources: ['db/app.t'], critical_path: criticalPath },
  reversibility: { reversible: true },
  urgency: 'normal',
});
const DROP = input('DROP TABLE t');
const CRITICAL_READ = input('SELECT 1', 'staging', true); // blast_radius only
const SELECT = input('SELECT 1');

const levelOf = (policyText: string, proposal: ProposalInput) => assess(proposal, parsePolicy(policyText)).signed_decisions ?? 'optional';

describe('signed_decisions policy', () => {
  it('defaults to optional: a valid signature is recorded, none is asked for', () => {
    expect(defaultPolicy().signed_decisions).toEqual({ default: 'optional' });
    expect(levelOf('{}', DROP)).toBe('optional');
  });

  it('takes one level for every risk class', () => {
    expect(levelOf('signed_decisions: required', DROP)).toBe('required');
    expect(levelOf('signed_decisions: required', CRITICAL_READ)).toBe('required');
    expect(levelOf('signed_decisions: "off"', DROP)).toBe('off');
  });

  it('takes a level per risk class, the strictest of the proposal\'s classes winning', () => {
    const policy = 'signed_decisions: { default: optional, irreversible: required }';
    expect(levelOf(policy, DROP)).toBe('required');
    expect(levelOf(policy, CRITICAL_READ)).toBe('optional');
    expect(levelOf('signed_decisions: { default: "off", blast_radius: optional }', CRITICAL_READ)).toBe('optional');
  });

  it('never requires signatures for a proposal with no risk class', () => {
    expect(assess(SELECT, parsePolicy('signed_decisions: required')).required_approvals).toBe(0);
    expect(levelOf('signed_decisions: required', SELECT)).toBe('optional');
  });

  it('lets a rule raise the level for what it matches, never lower it', () => {
    const policy = `
signed_decisions: { default: optional, irreversible: required }
rules:
  - name: prod
    match: { environment: production }
    signed_decisions: required
  - name: lax
    match: { environment: staging }
    signed_decisions: "off"
`;
    expect(levelOf(policy, input('SELECT 1', 'production', true))).toBe('required');
    expect(levelOf(policy, CRITICAL_READ)).toBe('optional');
    expect(levelOf(policy, DROP)).toBe('required');
    expect(assess(input('SELECT 1', 'production', true), parsePolicy(policy)).risk.reasons).toContain('policy: rule prod requires signed decisions');
  });

  it('refuses an unknown level or risk class, naming the line and key', () => {
    const parse = (text: string) => () => parsePolicy(text, 'policy.yaml');
    expect(parse('signed_decisions: always')).toThrow(PolicyError);
    expect(parse('signed_decisions: always')).toThrow(/^policy\.yaml:1: signed_decisions\.default must be one of: off, optional, required/);
    expect(parse('signed_decisions: { reversible: required }')).toThrow(/^policy\.yaml:1: signed_decisions\.reversible is not a known field/);
    expect(parse('rules:\n  - name: a\n    signed_decisions: yes\n')).toThrow(/^policy\.yaml:3: rules\.0\.signed_decisions must be one of: off, optional, required/);
  });
});

describe('require_passkey policy', () => {
  it('is off by default, and asks an irreversible action only for a passkey approval when set', () => {
    expect(defaultPolicy().require_passkey).toBe('off');
    expect(assess(DROP, defaultPolicy()).require_passkey).toBeUndefined();
    expect(assess(DROP, parsePolicy('require_passkey: irreversible')).require_passkey).toBe(true);
    expect(assess(CRITICAL_READ, parsePolicy('require_passkey: irreversible')).require_passkey).toBeUndefined();
    expect(() => parsePolicy('require_passkey: always')).toThrow(PolicyError);
  });
});
