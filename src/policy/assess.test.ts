import { describe, expect, it } from 'vitest';
import type { ProposalInput } from '../domain/proposal-schema.js';
import { assess } from './assess.js';
import { defaultPolicy, parsePolicy } from './policy-config.js';

const proposal = (action: ProposalInput['action'], overrides: Partial<ProposalInput> = {}): ProposalInput => ({
  action,
  what: 'tidy up',
  why: 'routine cleanup',
  blast_radius: { resources: ['one'] },
  reversibility: { reversible: true },
  urgency: 'normal',
  ...overrides,
});

const RULES = parsePolicy(`
approver_groups: { dba: [alice, bob], sre: [carol, dave] }
rules:
  - name: prod-sql
    match: { type: sql, environment: production, classes: [irreversible] }
    approvals: 3
    approver_groups: { dba: 1, sre: 1 }
    require_human: true
    timeouts: { normal: 1h }
  - name: github-admin
    match: { type: mcp_tool, tool: "github.*", arguments: { repo: "acme/*" } }
    classes: [blast_radius]
    reason: the acme organisation's repositories are shared by every team
  - name: admin-api
    match: { type: http, method: [POST, PUT], path: "/admin/*" }
    classes: [irreversible]
`);

describe('assess', () => {
  it('classes DROP TABLE described as cleanup and declared reversible, and flags the mismatch', () => {
    const a = assess(proposal({ type: 'sql', command: 'DROP TABLE users' }), defaultPolicy());
    expect(a.risk.classes).toEqual(['irreversible']);
    expect(a.risk.declared_mismatch).toBe(true);
    expect(a.required_approvals).toBe(2);
  });

  it('lets a read-only query through with no approval', () => {
    const a = assess(proposal({ type: 'sql', command: 'SELECT count(*) FROM users' }), defaultPolicy());
    expect(a).toMatchObject({ required_approvals: 0, rule: 'no_risk_class', risk: { classes: [] } });
  });

  it('keeps a declared class the action does not show (declarations only make it stricter)', () => {
    const a = assess(proposal({ type: 'sql', command: 'SELECT 1' }, { reversibility: { reversible: false } }), defaultPolicy());
    expect(a.risk.classes).toEqual(['irreversible']);
    expect(a.risk.declared_mismatch).toBe(false);
  });

  it('applies a matching rule: more approvals, groups, a human and a shorter timeout', () => {
    const a = assess(proposal({ type: 'sql', command: 'TRUNCATE orders', target: { environment: 'production' } }), RULES);
    expect(a.required_approvals).toBe(3);
    expect(a.approver_groups).toEqual([
      { group: 'dba', min: 1, members: ['alice', 'bob'] },
      { group: 'sre', min: 1, members: ['carol', 'dave'] },
    ]);
    expect(a.require_human).toBe(true);
    expect(a.timeout_ms).toBe(3_600_000);
    expect(a.rule).toBe('two_person+prod-sql');
    expect(a.risk.reasons).toContain('policy: rule prod-sql requires 3 approvals, 1 from group dba, 1 from group sre, a human approver, normal timeout 60m');
  });

  it('does not apply a rule whose conditions do not all hold', () => {
    const a = assess(proposal({ type: 'sql', command: 'TRUNCATE orders', target: { environment: 'staging' } }), RULES);
    expect(a.required_approvals).toBe(2);
    expect(a.approver_groups).toBeUndefined();
  });

  it('classes MCP tools by name and argument pattern, and HTTP calls by method and path', () => {
    const mcp = assess(proposal({ type: 'mcp_tool', params: { tool: 'github.delete_branch', arguments: { repo: 'acme/api' } } }), RULES);
    expect(mcp.risk.reasons).toContain("blast_radius: rule github-admin: the acme organisation's repositories are shared by every team");
    const other = assess(proposal({ type: 'mcp_tool', params: { tool: 'github.delete_branch', arguments: { repo: 'me/toy' } } }), RULES);
    expect(other.required_approvals).toBe(0);
    const http = assess(proposal({ type: 'http', params: { method: 'post', url: 'https://api.example.com/admin/users' } }), RULES);
    expect(http.risk.classes).toEqual(['irreversible']);
    expect(assess(proposal({ type: 'http', command: 'DELETE /v1/users/7' }), defaultPolicy()).risk.classes).toEqual(['irreversible']);
  });

  it('reads a terraform plan for deletions and counts', () => {
    const plan = { resource_changes: [
      { address: 'aws_db_instance.main', change: { actions: ['delete', 'create'] } },
      { address: 'aws_s3_bucket.logs', change: { actions: ['delete'] } },
      { address: 'aws_iam_role.x', change: { actions: ['no-op'] } },
    ] };
    const a = assess(proposal({ type: 'terraform', command: 'terraform apply plan.out', params: { plan } }), defaultPolicy());
    expect(a.risk.classes).toEqual(['irreversible', 'blast_radius']);
    expect(a.risk.reasons).toContain('irreversible: plan deletes 1 resource(s): aws_s3_bucket.logs');
  });

  it('fails closed on unknown binaries when the policy says unknown: require_approval', () => {
    const strict = parsePolicy('unknown: require_approval');
    const a = assess(proposal({ type: 'shell', command: 'frobnicate --everything' }), strict);
    expect(a.required_approvals).toBe(2);
    expect(a.risk.reasons.some((r) => r.includes('could not be analysed'))).toBe(true);
  });

  it('estimates cost from a launch command', () => {
    const a = assess(proposal({ type: 'cloud', command: 'aws ec2 run-instances --instance-type p4d.24xlarge --count 4' }), defaultPolicy());
    expect(a.risk.classes).toEqual(['cost']);
  });
});
