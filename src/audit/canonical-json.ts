import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** RFC 8785 (JCS) canonical JSON: the same value always gives the same bytes. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value has no JSON form');
  return text;
}

export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The hash that binds an approval to one exact action. */
export const actionHash = (action: unknown): string => `sha256:${sha256Hex(canonicalJson(action))}`;
