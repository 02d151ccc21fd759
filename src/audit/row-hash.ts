import canonicalize from 'canonicalize';
import type { AuditEvent, AuditEventRow, AuditEventType } from '../domain/audit-event.js';
import { sha256Hex } from './sha256.js';

/** The event a row stores, its data parsed (its type as stored: the hash decides whether it is one). */
export const rowEvent = ([seq, at, type, proposal_id, actor, reason, data, prev_hash, hash]: AuditEventRow): AuditEvent => ({
  seq, at, type: type as AuditEventType, proposal_id, actor, reason, data: JSON.parse(data), prev_hash, hash,
});

/**
 * An event's hash: SHA-256 of the RFC 8785 JSON of every field but the hash.
 * The one definition: sealing (hash-chain.ts) and verification both use it.
 */
export function hashEventFields({ seq, at, type, proposal_id, actor, reason, data, prev_hash }: Omit<AuditEvent, 'hash'>): string {
  const text = canonicalize({ seq, at, type, proposal_id, actor, reason, data, prev_hash });
  if (text === undefined) throw new TypeError('value has no JSON form');
  return sha256Hex(text);
}

// RFC 8785 writes a string exactly as JSON.stringify does, which escapes only quote, backslash,
// controls and lone surrogates; canonicalize refuses lone surrogates, so a string with any
// surrogate takes the reference path, which decides.
const ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;
const SURROGATE = /[\ud800-\udfff]/;
const str = (s: unknown): string | undefined => (typeof s !== 'string' ? undefined : !ESCAPED.test(s) ? `"${s}"` : SURROGATE.test(s) ? undefined : JSON.stringify(s));
const strOrNull = (s: unknown): string | undefined => (s === null ? 'null' : str(s));
const num = (n: unknown): string | undefined => (typeof n === 'number' && Number.isFinite(n) ? JSON.stringify(n) : undefined);

/**
 * The canonical JSON hashEvent hashes, built by concatenation: the keys in
 * RFC 8785 order (actor, at, data, prev_hash, proposal_id, reason, seq, type)
 * around `data`'s stored text, which is used as it is. Undefined for a value
 * this shortcut does not cover.
 */
export function canonicalRowText([seq, at, type, proposalId, actor, reason, data, prevHash]: AuditEventRow): string | undefined {
  const parts = [str(actor), str(at), typeof data === 'string' ? data : undefined, str(prevHash), strOrNull(proposalId), strOrNull(reason), num(seq), str(type)];
  if (parts.includes(undefined)) return undefined;
  const [a, t, d, p, id, r, s, ty] = parts;
  return `{"actor":${a},"at":${t},"data":${d},"prev_hash":${p},"proposal_id":${id},"reason":${r},"seq":${s},"type":${ty}}`;
}

/**
 * hashEvent(rowEvent(row)), without parsing and re-serialising `data` when the
 * stored text is already canonical (as stores write it). That shortcut is
 * trusted only when it reproduces the stored hash: the concatenation is then
 * byte for byte the text hashed when the event was sealed (a SHA-256
 * collision aside), since every other part is self-delimiting. Otherwise (data
 * written by an older version, or tampered) the event is parsed and hashed
 * the reference way, which decides.
 */
export function rowHash(row: AuditEventRow): string {
  const text = canonicalRowText(row);
  if (text !== undefined) {
    const hash = sha256Hex(text);
    if (hash === row[8]) return hash;
  }
  return hashEventFields(rowEvent(row));
}
