import { describe, expect, it } from 'vitest';
import { assess } from '../../src/policy/assess.js';
import { parsePolicy, PolicyError } from '../../src/policy/policy-config.js';

const policy = parsePolicy(`
mcp_tools:
  - tool: "delete*|drop*"
  - tool: "write_file|move_file|create_directory"
    arguments: { path: "/srv/protected/*", source: "/srv/protected/*", destination: "/srv/protected/*" }
    reason: "writes under the protected folder"
`);

function call(tool: string, args: Record<string, unknown>, annotations?: Record<string, unknown>) {
  return {
    action: { type: 'mcp_tool' as const, params: { tool, arguments: args, ...(annotations ? { annotations } : {}) } },
    what: `Call ${tool}`,
    why: 'agent request',
    blast_radius: { resources: [] },
    reversibility: { reversible: true },
    urgency: 'normal' as const,
  };
}

describe('mcp_tool policy', () => {
  it('needs no approval for a read-only tool no rule names', () => {
    const result = assess(call('read_text_file', { path: '/srv/protected/a.txt' }, { readOnlyHint: true }), policy);
    expect(result.required_approvals).toBe(0);
  });

  it('treats a tool the upstream marks destructiveHint as irreversible', () => {
    const result = assess(call('edit_file', { path: '/srv/open/a.txt' }, { destructiveHint: true }), policy);
    expect(result.risk.classes).toEqual(['irreversible']);
    expect(result.required_approvals).toBe(2);
    expect(result.risk.reasons.join()).toContain('destructiveHint');
  });

  it('never lets readOnlyHint override a rule that names the tool', () => {
    const result = assess(call('drop_index', { name: 'idx' }, { readOnlyHint: true, destructiveHint: false }), policy);
    expect(result.required_approvals).toBe(2);
  });

  it('gates a tool by argument pattern only when an argument matches', () => {
    expect(assess(call('create_directory', { path: '/srv/open/new' }), policy).required_approvals).toBe(0);
    const inside = assess(call('create_directory', { path: '/srv/protected/new' }), policy);
    expect(inside.required_approvals).toBe(2);
    expect(inside.risk.reasons.join()).toContain('writes under the protected folder');
    expect(assess(call('move_file', { source: '/srv/open/a', destination: '/srv/protected/a' }), policy).required_approvals).toBe(2);
  });

  it('sees through path tricks such as "/srv/open/../protected"', () => {
    expect(assess(call('write_file', { path: '/srv/open/../protected/x', content: '' }), policy).required_approvals).toBe(2);
  });

  it('refuses a malformed rule when the policy is loaded', () => {
    expect(() => parsePolicy('mcp_tools: [{ tool: "x", class: "maybe" }]')).toThrow(PolicyError);
  });
});
