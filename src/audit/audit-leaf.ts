import type { AuditEvent } from '../domain/audit-event.js';
import { type Hash, leafHash, leafHex } from './merkle.js';

/**
 * An event's Merkle leaf: H(0x00 ‖ the 32 bytes of its chain hash). The chain
 * hash already covers the event's canonical JSON and its link to the event
 * before, so the leaf commits to both, and a verifier re-derives it from the
 * event's content alone.
 */
export const eventLeaf = (event: Pick<AuditEvent, 'hash'>): Hash => leafHash(Buffer.from(event.hash, 'hex'));

/** eventLeaf of a chain hash given as 64 hex digits, as hex: the form verification hashes a page of at a time. */
export const eventLeafHex = (hash: string): string => leafHex(hash);
