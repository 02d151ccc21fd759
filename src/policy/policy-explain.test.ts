import { describe, expect, it } from 'vitest';
import { parsePolicy } from './policy-config.js';
import { explain, formatExplanation } from './policy-explain.js';

describe('policy explain', () => {
  it('explains a bare action: classes, reasons, approvals and timeout, with no declaration to mismatch', () => {
    const e = explain({ type: 'kubernetes', command: 'kubectl delete pods --all -n prod' }, parsePolicy('{}'));
    expect(e).toMatchObject({ classes: ['irreversible', 'blast_radius'], required_approvals: 2, timeout: '4h', declared_mismatch: false });
    expect(formatExplanation(e)).toContain('targets every matching resource, not one');
  });

  it('explains a full proposal with the rules that fired', () => {
    const policy = parsePolicy('rules:\n  - name: prod\n    match: { environment: prod* }\n    require_human: true\n    timeouts: { triage: 10m }\n');
    const e = explain({
      action: { type: 'sql', command: 'SELECT 1', target: { environment: 'production' } },
      what: 'read', why: 'check', blast_radius: { resources: [] }, reversibility: { reversible: true }, urgency: 'triage',
    }, policy);
    expect(e).toMatchObject({ classes: [], required_approvals: 2, require_human: true, timeout: '10m', rule: 'two_person+prod' });
  });

  it('refuses an action that is not valid, naming the field', () => {
    expect(() => explain({ type: 'teleport', command: 'x' }, parsePolicy('{}'))).toThrow();
  });
});
