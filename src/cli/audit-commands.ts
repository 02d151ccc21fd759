import type { AuditEvent } from '../domain/audit-event.js';
import { csvCell } from '../audit/csv.js';
import { allEvents } from '../service/audit-service.js';
import type { AuditLogReader } from '../store/audit-log-store.js';
import { refusal, usageError } from './cli-error.js';

type Out = (text: string) => void;

export async function auditChain(store: AuditLogReader, id: string, json: boolean, out: Out): Promise<void> {
  const events = await store.auditEventsFor(id);
  if (events.length === 0) throw refusal(`no audit events for proposal "${id}"`);
  if (json) return out(JSON.stringify({ events }));
  for (const e of events) out(`${String(e.seq).padStart(6)}  ${e.at}  ${e.type.padEnd(26)} ${e.actor.padEnd(12)} ${e.reason ?? ''}  ${e.hash.slice(0, 12)}`);
}

const COLUMNS = ['seq', 'at', 'type', 'proposal_id', 'actor', 'reason', 'data', 'prev_hash', 'hash'] as const;

export async function auditExport(store: AuditLogReader, format: string, write: (chunk: string) => void): Promise<void> {
  if (format !== 'jsonl' && format !== 'csv') throw usageError('--format must be jsonl or csv');
  if (format === 'csv') write(`${COLUMNS.join(',')}\n`);
  for await (const event of allEvents(store)) {
    write(format === 'jsonl' ? `${JSON.stringify(event)}\n` : `${COLUMNS.map((c) => csvCell((event as AuditEvent)[c])).join(',')}\n`);
  }
}
