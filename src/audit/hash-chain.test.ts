import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../domain/audit-event.js';
import { actionHash, canonicalJson } from './canonical-json.js';
import { ChainVerifier, EMPTY_HEAD, sealEvent } from './hash-chain.js';

function chain(n: number): AuditEvent[] {
  const events: AuditEvent[] = [];
  let head = EMPTY_HEAD;
  for (let i = 0; i < n; i++) {
    const event = sealEvent(head, { at: `2026-11-25T09:00:0${i}Z`, type: 'approval.recorded', proposal_id: 'p', actor: `a${i}`, reason: 'ok', data: { i } });
    events.push(event);
    head = event;
  }
  return events;
}

const verify = (events: AuditEvent[]) => {
  const v = new ChainVerifier();
  for (const e of events) if (!v.push(e)) break;
  return v.result();
};

describe('canonical JSON', () => {
  it('gives the same bytes whatever the key order (RFC 8785)', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'] })).toBe('{"a":[true,null,"x"],"b":1}');
    expect(actionHash({ type: 'sql', command: 'DROP TABLE t' })).toBe(actionHash({ command: 'DROP TABLE t', type: 'sql' }));
  });
});

describe('hash chain', () => {
  it('verifies an intact chain', () => {
    expect(verify(chain(5))).toEqual({ ok: true, events: 5 });
  });

  it.each([
    ['an edited field', (e: AuditEvent[]) => (e[2] = { ...e[2]!, actor: 'mallory' }), 3],
    ['a deleted event', (e: AuditEvent[]) => e.splice(1, 1), 2],
    ['two swapped events', (e: AuditEvent[]) => ([e[1], e[3]] = [e[3]!, e[1]!]), 2],
    ['a deleted first event', (e: AuditEvent[]) => e.shift(), 1],
  ])('names the first bad seq for %s', (_name, tamper, bad) => {
    const events = chain(5);
    tamper(events);
    expect(verify(events)).toMatchObject({ ok: false, first_bad_seq: bad });
  });
});
