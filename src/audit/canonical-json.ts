import canonicalize from 'canonicalize';
import { sha256Hex } from './sha256.js';

/** RFC 8785 (JCS) canonical JSON: the same value always gives the same bytes. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value has no JSON form');
  return text;
}

export { sha256Hex };

/** The hash that binds an approval to one exact action. */
export const actionHash = (action: unknown): string => `sha256:${sha256Hex(canonicalJson(action))}`;
