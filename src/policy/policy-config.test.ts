import { describe, expect, it } from 'vitest';
import { parsePolicy, PolicyError } from './policy-config.js';

const errorOf = (text: string): string => {
  try {
    parsePolicy(text, 'policy.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(PolicyError);
    return (e as Error).message;
  }
  throw new Error('expected the policy to be refused');
};

describe('policy file', () => {
  it('keeps the contract keys and their defaults', () => {
    const p = parsePolicy('{}');
    expect(p.cost_threshold_usd).toBe(1000);
    expect(p.timeouts_ms).toEqual({ triage: 1_800_000, normal: 14_400_000, low: 86_400_000 });
    expect(p.sweep_interval_ms).toBe(5000);
    expect(p.rules).toEqual([]);
    expect(p.unknown).toBe('allow');
  });

  it('reads rules with their patterns, groups and timeouts', () => {
    const p = parsePolicy(`
approver_groups:
  dba: [alice, bob]
  sre: [carol]
rules:
  - name: prod-db
    match: { type: sql, system: "postgres://prod-*" }
    classes: [blast_radius]
    approver_groups: { dba: 1, sre: 1 }
    require_human: true
    timeouts: { triage: 15m }
`);
    expect(p.rules[0]!.name).toBe('prod-db');
    expect(p.rules[0]!.match.system![0]!.test('postgres://prod-eu/app')).toBe(true);
    expect(p.rules[0]!.timeouts_ms).toEqual({ triage: 900_000 });
  });

  it('refuses a rule that would lower approvals below two, naming line and key', () => {
    const message = errorOf('rules:\n  - name: lax\n    approvals: 1\n');
    expect(message).toBe('policy.yaml:3: rules.0.approvals must be at least 2: a risk class always needs two people');
  });

  it('refuses an unknown key inside a rule, naming its line', () => {
    expect(errorOf('rules:\n  - name: a\n    match:\n      comand: "DROP*"\n')).toMatch(/^policy\.yaml:4: rules\.0\.match\.comand is not a known field/);
  });

  it('refuses a rule that names an undefined approver group', () => {
    expect(errorOf('rules:\n  - name: a\n    approver_groups:\n      dba: 1\n')).toMatch(/^policy\.yaml:4: rules\.0\.approver_groups\.dba names no group in approver_groups/);
  });

  it('refuses duplicate rule names, a bad timeout and a missing name', () => {
    expect(errorOf('rules:\n  - name: a\n  - name: a\n')).toMatch(/policy\.yaml:3: rules\.1\.name "a" is used by an earlier rule/);
    expect(errorOf('rules:\n  - name: a\n    timeouts: { triage: soon }\n')).toMatch(/policy\.yaml:3: rules\.0\.timeouts\.triage must be a positive duration/);
    expect(errorOf('rules:\n  - classes: [cost]\n')).toMatch(/policy\.yaml:2: rules\.0\.name is required/);
  });

  it('names the line of a YAML syntax error', () => {
    expect(errorOf('rules:\n  - name: [a\n')).toMatch(/^policy\.yaml:\d+:/);
  });
});
