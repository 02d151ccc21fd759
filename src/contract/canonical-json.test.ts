import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { actionHash, canonicalJson } from './canonical-json.js';

/** The reference implementation the audit log was sealed with: ours must write the same bytes. */
const reference = (value: unknown) => canonicalize(value);

const fromIeee = (hex: string) => Buffer.from(hex, 'hex').readDoubleBE(0);

describe('canonical JSON (RFC 8785)', () => {
  it('writes the RFC 8785 example with its numbers, escapes and literals', () => {
    const value = {
      numbers: [333333333.33333329, 1e30, 4.5, 2e-3, 0.000000000000000000000000001],
      string: '\u20ac$\u000F\u000aA\'\u0042\u0022\u005c\\"/',
      literals: [null, true, false],
    };
    const expected = '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}';
    expect(canonicalJson(value)).toBe(expected);
    expect(canonicalJson(value)).toBe(reference(value));
  });

  it('orders keys by UTF-16 code units, as the RFC\'s sorting example does', () => {
    const value = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    const keys = Object.keys(JSON.parse(canonicalJson(value)) as object);
    // JSON.parse puts the integer-like key first again; the text itself has it second.
    expect(canonicalJson(value).indexOf('"\\r"')).toBeLessThan(canonicalJson(value).indexOf('"1"'));
    expect(keys.filter((k) => k !== '1')).toEqual(['\r', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33']);
    expect(canonicalJson(value)).toBe(reference(value));
  });

  it.each([
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ])('writes the IEEE 754 number %s as %s (RFC 8785 appendix B)', (hex, text) => {
    const n = fromIeee(hex);
    expect(canonicalJson(n)).toBe(text);
    expect(canonicalJson([n])).toBe(reference([n]));
  });

  it('refuses what JSON cannot carry, as the reference does', () => {
    for (const bad of [NaN, Infinity, -Infinity, 'a\ud800', '\udfffb', { ['k\ud83d']: 1 }, [1n]]) {
      expect(() => canonicalJson(bad)).toThrow();
      expect(() => reference(bad)).toThrow();
    }
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => canonicalJson(cycle)).toThrow(/Circular/);
    expect(() => canonicalJson(undefined)).toThrow(/no JSON form/);
  });

  it('writes non-ASCII text as UTF-8 and escapes only what JSON must', () => {
    const value = { name: 'Zoë 😀 ✓ ש', controls: '\u0000\u0007\b\t\n\f\r\u001f\u007f', separators: '\u2028\u2029', quote: '"\\/' };
    expect(canonicalJson(value)).toBe(
      '{"controls":"\\u0000\\u0007\\b\\t\\n\\f\\r\\u001f\u007f","name":"Zoë 😀 ✓ ש","quote":"\\"\\\\/","separators":"\u2028\u2029"}',
    );
    expect(canonicalJson(value)).toBe(reference(value));
  });

  it('skips undefined members and writes dates through toJSON, as the reference does', () => {
    const value = { a: undefined, b: [undefined, 1], at: new Date(Date.UTC(2026, 10, 25, 9)) };
    expect(canonicalJson(value)).toBe('{"at":"2026-11-25T09:00:00.000Z","b":[null,1]}');
    expect(canonicalJson(value)).toBe(reference(value));
  });

  it('writes exactly the bytes of the reference for any JSON value, any Unicode, any number', () => {
    const number = fc.double({ noNaN: true, noDefaultInfinity: true });
    const value = fc.letrec((tie) => ({
      any: fc.oneof({ depthSize: 'small' }, fc.constantFrom(null, true, false), number, fc.string({ unit: 'binary' }), tie('list'), tie('record')),
      list: fc.array(tie('any'), { maxLength: 5 }),
      record: fc.dictionary(fc.string({ unit: 'binary' }), tie('any'), { maxKeys: 5 }),
    })).any;
    fc.assert(fc.property(value, (v) => canonicalJson(v) === reference(v)), { numRuns: 2_000 });
    fc.assert(fc.property(fc.jsonValue({ stringUnit: 'binary' }), (v) => canonicalJson(v) === reference(v)), { numRuns: 1_000 });
  });

  it('hashes an action the same whatever its key order, to the hash proposals already carry', () => {
    expect(actionHash({ type: 'sql', command: 'DROP TABLE t' })).toBe(actionHash({ command: 'DROP TABLE t', type: 'sql' }));
    const contractExample = { type: 'sql', command: 'DROP TABLE users', target: { system: 'postgres://prod-db/app', environment: 'production' }, params: {} };
    expect(actionHash(contractExample)).toBe('sha256:8e5c1d62dd94f727cd8eff0bf5075d04845fec15095ef0bea925fcd4d58c0b83');
  });
});
