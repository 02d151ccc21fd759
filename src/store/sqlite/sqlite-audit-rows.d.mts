import type { AuditRowReader } from '../store.js';

export declare const ROWS_AFTER: string;
export declare function openAuditRows(options: { file: string }): AuditRowReader;
