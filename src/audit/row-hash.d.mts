import type { AuditEvent, AuditEventRow } from '../domain/audit-event.js';

/** SHA-256 of the RFC 8785 JSON of every field of an event but its hash. */
export declare function hashEventFields(event: Omit<AuditEvent, 'hash'>): string;
/** The event a row stores, its data parsed. */
export declare const rowEvent: (row: AuditEventRow) => AuditEvent;
/** The canonical JSON hashEvent hashes, built around the stored data text; undefined where the shortcut does not apply. */
export declare function canonicalRowText(row: AuditEventRow): string | undefined;
/** hashEvent(rowEvent(row)), hashing the stored data text as it is when that reproduces the stored hash. */
export declare function rowHash(row: AuditEventRow): string;
