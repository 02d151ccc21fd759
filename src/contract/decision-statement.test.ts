import { describe, expect, it } from 'vitest';
import { decisionStatement } from './decision-statement.js';

describe('decision statement', () => {
  it('is the UTF-8 of the RFC 8785 canonical JSON of exactly the five fields', () => {
    const bytes = decisionStatement({
      reason: 'snapshot “verified”\n',
      identity: 'alice',
      decision: 'approve',
      proposal_id: 'p-1',
      action_hash: `sha256:${'ab'.repeat(32)}`,
      ...({ extra: 'ignored' } as object),
    });
    expect(bytes.toString('utf8')).toBe(
      `{"action_hash":"sha256:${'ab'.repeat(32)}","decision":"approve","identity":"alice","proposal_id":"p-1","reason":"snapshot “verified”\\n"}`,
    );
    expect(bytes.includes(Buffer.from('“', 'utf8'))).toBe(true);
  });

  it('differs when any one field differs', () => {
    const base = { proposal_id: 'p', action_hash: 'sha256:0', decision: 'approve' as const, reason: 'r', identity: 'a' };
    const variants = [{ proposal_id: 'q' }, { action_hash: 'sha256:1' }, { decision: 'reject' as const }, { reason: 'r ' }, { identity: 'b' }];
    for (const v of variants) expect(decisionStatement({ ...base, ...v }).equals(decisionStatement(base))).toBe(false);
  });
});
