import { describe, expect, it } from 'vitest';
import { parseInput, proposalInputSchema } from '../../src/domain/proposal-schema.js';
import { assess } from '../../src/policy/assess.js';
import { defaultPolicy, parsePolicy } from '../../src/policy/policy-config.js';
import { dropTableProposal, readOnlyProposal } from '../support/harness.js';

const proposal = (overrides: Record<string, unknown>) => parseInput(proposalInputSchema, { ...readOnlyProposal(), ...overrides });

describe('policy file', () => {
  it('has the contract defaults', () => {
    const p = defaultPolicy();
    expect(p.cost_threshold_usd).toBe(1000);
    expect(p.timeouts_ms).toEqual({ triage: 30 * 60_000, normal: 4 * 3_600_000, low: 24 * 3_600_000 });
    expect(p.sweep_interval_ms).toBe(5_000);
  });

  it('reads YAML with durations and critical service globs', () => {
    const p = parsePolicy('cost_threshold_usd: 50\ntimeouts: { triage: 10m }\nsweep_interval: 2s\ncritical_services: ["payments-*"]\n');
    expect(p.timeouts_ms.triage).toBe(600_000);
    expect(p.timeouts_ms.normal).toBe(4 * 3_600_000);
    expect(p.critical_services[0]!.test('payments-api')).toBe(true);
  });

  it('names the line and key of a bad value, and refuses unknown keys', () => {
    expect(() => parsePolicy('cost_threshold_usd: 10\ntimeouts:\n  triage: soon\n', 'policy.yaml')).toThrow(/policy\.yaml:3: timeouts\.triage must be a positive duration/);
    expect(() => parsePolicy('cost_treshold_usd: 10\n', 'p.yaml')).toThrow(/cost_treshold_usd is not a known field/);
    expect(() => parsePolicy('timeouts: [\n', 'p.yaml')).toThrow(/^p\.yaml:\d+:/);
  });
});

describe('risk assessment', () => {
  const policy = parsePolicy('critical_services: ["payments-*"]');

  it('keeps the stricter of declared and computed risk', () => {
    const a = assess(parseInput(proposalInputSchema, dropTableProposal({ reversibility: { reversible: true }, blast_radius: { resources: ['t'] } })), policy);
    expect(a.risk.classes).toEqual(['irreversible']);
    expect(a.risk.declared_mismatch).toBe(true);
    expect(a.required_approvals).toBe(2);
  });

  it('lets a declaration add risk the action does not show, without a mismatch', () => {
    const a = assess(proposal({ reversibility: { reversible: false } }), policy);
    expect(a.risk.classes).toEqual(['irreversible']);
    expect(a.risk.declared_mismatch).toBe(false);
  });

  it('classes cost above the threshold, and not at it', () => {
    expect(assess(proposal({ cost_impact_usd: 1000.01 }), policy).risk.classes).toEqual(['cost']);
    expect(assess(proposal({ cost_impact_usd: 1000 }), policy).risk.classes).toEqual([]);
  });

  it('classes several resources, critical services and customer data as blast radius', () => {
    expect(assess(proposal({ blast_radius: { resources: ['a', 'b'] } }), policy).risk.classes).toEqual(['blast_radius']);
    expect(assess(proposal({ blast_radius: { resources: ['payments-db'] } }), policy).risk.classes).toEqual(['blast_radius']);
    expect(assess(proposal({ blast_radius: { resources: ['x'], customer_data: true } }), policy).risk.classes).toEqual(['blast_radius']);
  });

  it.each([
    ['shell', 'rm -rf /var/lib/app'],
    ['git', 'git push --force origin main'],
    ['git', 'git push -f'],
    ['terraform', 'terraform destroy -auto-approve'],
    ['kubernetes', 'kubectl delete namespace prod'],
    ['cloud', 'aws ec2 terminate-instances --instance-ids i-123'],
    ['sql', 'TRUNCATE orders'],
    ['sql', 'DELETE FROM orders'],
    ['shell', 'echo hi && rm -fr ./build'],
  ])('sees the risk in a %s action "%s" even when the agent declares it harmless', (type, command) => {
    const a = assess(proposal({ action: { type, command } }), policy);
    expect(a.risk.classes).toContain('irreversible');
    expect(a.risk.declared_mismatch).toBe(true);
  });

  it('needs no approval for a bounded read', () => {
    const a = assess(proposal({ action: { type: 'sql', command: "DELETE FROM orders WHERE id = 'x'; SELECT 1" }, reversibility: { reversible: true } }), policy);
    expect(a.required_approvals).toBe(0);
  });
});
