import { describe, expect, it } from 'vitest';
import type { AuditEvent, AuditEventRow } from '../domain/audit-event.js';
import { canonicalJson } from './canonical-json.js';
import { hashEvent } from './hash-chain.js';
import { canonicalRowText, rowHash } from './row-hash.js';

// A small seeded generator, so a failure names a case that can be replayed.
function generator(seed: number) {
  let s = seed;
  const next = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]) => items[int(items.length)]!;
  // Characters JSON escapes or RFC 8785 cares about: quotes, backslash, controls, DEL, non-ASCII, astral.
  const odd = ['"', '\\', '/', '\n', '\t', '\u0000', '\u001f', '\u007f', '\u2028', 'é', '€', '😀', '\ud800', '\udfff', '<', ' '];
  const text = (withSurrogates: boolean): string =>
    Array.from({ length: int(12) }, () => {
      const c = next() < 0.5 ? String.fromCharCode(97 + int(26)) : pick(odd);
      return !withSurrogates && /[\ud800-\udfff]/.test(c) ? 'x' : c;
    }).join('');
  const number = () => pick([0, -0, 1, -1, 0.1, 1e21, 1e-7, 2 ** 53 - 1, -123.456, 5e-324, int(1e9)]);
  const value = (depth: number, s: boolean): unknown => {
    const kind = depth > 2 ? int(4) : int(6);
    if (kind === 0) return text(s);
    if (kind === 1) return number();
    if (kind === 2) return pick([true, false, null]);
    if (kind === 3) return text(s);
    if (kind === 4) return Array.from({ length: int(4) }, () => value(depth + 1, s));
    return Object.fromEntries(Array.from({ length: int(5) }, () => [text(s), value(depth + 1, s)]));
  };
  // Sealed with hashEvent's hash, or with '' where hashEvent refuses the content.
  const event = (s: boolean): AuditEvent => {
    const fields = {
      seq: pick([1, 2, 41, 2 ** 31, 2 ** 53 - 1, int(1e6)]),
      at: pick([new Date(int(2e12)).toISOString(), text(s)]),
      type: pick(['proposal.created', text(s)]) as AuditEvent['type'],
      proposal_id: pick([null, text(s), crypto.randomUUID()]),
      actor: text(s),
      reason: pick([null, '', text(s)]),
      data: Object.fromEntries(Array.from({ length: int(5) }, () => [text(s), value(0, s)])),
      prev_hash: pick(['0'.repeat(64), text(s)]),
    };
    let hash = '';
    try {
      hash = hashEvent(fields);
    } catch {}
    return { ...fields, hash };
  };
  return { event, int };
}

const row = (e: AuditEvent, data: string): AuditEventRow => [e.seq, e.at, e.type, e.proposal_id, e.actor, e.reason, data, e.prev_hash, e.hash];

describe('an event row hashed without parsing its data', () => {
  it('builds exactly the canonical JSON that hashEvent hashes, for 5,000 events with odd strings and numbers', () => {
    const g = generator(2026);
    for (let i = 0; i < 5000; i++) {
      const { hash: _, ...content } = g.event(false);
      const text = canonicalRowText(row({ ...content, hash: '' }, canonicalJson(content.data)));
      expect(text, `case ${i}`).toBe(canonicalJson(content));
    }
  });

  it('leaves strings with surrogates to canonicalize, which refuses lone ones', () => {
    const e = generator(1).event(false);
    expect(canonicalRowText(row({ ...e, actor: 'x\ud800' }, '{}'))).toBeUndefined();
    expect(canonicalRowText(row({ ...e, reason: '😀' }, '{}'))).toBeUndefined();
    expect(() => rowHash(row({ ...e, actor: 'x\ud800' }, '{}'))).toThrow(/surrogate/);
    expect(rowHash(row({ ...e, reason: '😀' }, canonicalJson(e.data)))).toBe(hashEvent({ ...e, reason: '😀' }));
  });

  it('gives hashEvent’s hash whether data is stored canonically or not, surrogates included', () => {
    const g = generator(7);
    for (let i = 0; i < 2000; i++) {
      const e = g.event(false);
      const spaced = JSON.stringify(e.data, null, 1);
      const reordered = JSON.stringify(Object.fromEntries(Object.entries(e.data).reverse()));
      for (const data of [canonicalJson(e.data), spaced, reordered]) expect(rowHash(row(e, data)), `case ${i}`).toBe(e.hash);
    }
    const withSurrogates = generator(8);
    let refused = 0;
    for (let i = 0; i < 1000; i++) {
      const e = withSurrogates.event(true);
      if (e.hash) expect(rowHash(row(e, canonicalJson(e.data))), `case ${i}`).toBe(e.hash);
      else {
        refused++;
        expect(() => rowHash(row(e, JSON.stringify(e.data))), `case ${i}`).toThrow(/surrogate/);
      }
    }
    expect(refused).toBeGreaterThan(100);
    expect(refused).toBeLessThan(900);
  });

  it('gives a different hash for any changed field or data, whatever the stored text', () => {
    const g = generator(99);
    for (let i = 0; i < 1000; i++) {
      const e = g.event(false);
      const data = canonicalJson(e.data);
      const changed: AuditEventRow[] = [
        row({ ...e, actor: `${e.actor}x` }, data),
        row({ ...e, reason: e.reason === null ? '' : null }, data),
        row({ ...e, seq: e.seq + 1 }, data),
        row({ ...e, prev_hash: `${e.prev_hash}0` }, data),
        row(e, canonicalJson({ ...e.data, extra: 1 })),
        row(e, JSON.stringify({ extra: 1, ...e.data })),
      ];
      for (const r of changed) expect(rowHash(r), `case ${i}`).not.toBe(e.hash);
    }
  });
});
