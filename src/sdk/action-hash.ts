import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Action } from './types.js';

/**
 * The hash that binds an approval to one exact action: SHA-256 over the
 * RFC 8785 canonical JSON of the action, as the server computes it.
 *
 * @example
 * const hash = actionHash({ type: 'shell', command: 'rm -rf /srv/cache' });
 * // "sha256:…" — compare with proposal.action_hash
 */
export function actionHash(action: Action): string {
  const text = canonicalize(action);
  if (text === undefined) throw new TypeError('the action has no JSON form');
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}
