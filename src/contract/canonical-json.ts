import { createHash } from 'node:crypto';

/**
 * RFC 8785 (JCS) canonical JSON: the same value always gives the same bytes.
 * Keys are sorted by UTF-16 code units, numbers and strings are written as
 * ECMAScript writes them (which is what RFC 8785 specifies), and what JSON
 * cannot carry is refused: NaN, ±Infinity, lone surrogates, cycles.
 * Written here, with no package behind it, so the SDK has no dependencies.
 *
 * @example
 * canonicalJson({ b: 1, a: [true, null, 'é'] }); // '{"a":[true,null,"é"],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  const text = write(value, new Set());
  if (text === undefined) throw new TypeError('value has no JSON form');
  return text;
}

/**
 * The hash that binds an approval to one exact action: SHA-256 over the
 * RFC 8785 canonical JSON of the action, as the server computes it.
 *
 * @example
 * const hash = actionHash({ type: 'shell', command: 'rm -rf /srv/cache' });
 * // "sha256:…" — compare with proposal.action_hash
 */
export const actionHash = (action: unknown): string => `sha256:${createHash('sha256').update(canonicalJson(action)).digest('hex')}`;

/** A lone surrogate has no UTF-8 form, so two parties could hash it differently. */
const LONE_SURROGATE = /\p{Cs}/u;

/** The canonical text of `value`, or undefined where JSON has none (undefined, functions, symbols). */
function write(value: unknown, seen: Set<object>): string | undefined {
  switch (typeof value) {
    case 'string':
      if (LONE_SURROGATE.test(value)) throw new Error('Lone surrogate is not allowed');
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new Error(Number.isNaN(value) ? 'NaN is not allowed' : 'Infinity is not allowed');
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return JSON.stringify(value); // throws, as JSON has no BigInt
    case 'object':
      return value === null ? 'null' : writeObject(value, seen);
    default:
      return undefined;
  }
}

function writeObject(value: object, seen: Set<object>): string | undefined {
  if (seen.has(value)) throw new Error('Circular reference detected');
  seen.add(value);
  try {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return write(toJSON.call(value), seen);
    if (Array.isArray(value)) return `[${value.map((item) => write(item, seen) ?? 'null').join(',')}]`;
    const parts: string[] = [];
    // The default sort compares UTF-16 code units, exactly as RFC 8785 orders keys.
    for (const key of Object.keys(value).sort()) {
      const text = write((value as Record<string, unknown>)[key], seen);
      if (text !== undefined) parts.push(`${write(key, seen)}:${text}`);
    }
    return `{${parts.join(',')}}`;
  } finally {
    seen.delete(value);
  }
}
