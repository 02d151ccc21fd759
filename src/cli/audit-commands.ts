import type { AuditEvent } from '../domain/audit-event.js';
import { allEvents, verifyLog } from '../service/audit-service.js';
import type { Store } from '../store/store.js';
import { refusal, usageError } from './cli-error.js';

type Out = (text: string) => void;

/** Exit 0 when the chain is intact, 1 when tampered. */
export async function auditVerify(store: Store, json: boolean, out: Out): Promise<0 | 1> {
  const result = await verifyLog(store);
  if (json) out(JSON.stringify(result));
  else if (result.ok) out(`OK: ${result.events} audit events, hash chain intact`);
  else out(`TAMPERED: first bad seq ${result.first_bad_seq}: ${result.problem}`);
  return result.ok ? 0 : 1;
}

export async function auditChain(store: Store, id: string, json: boolean, out: Out): Promise<void> {
  const events = await store.auditEventsFor(id);
  if (events.length === 0) throw refusal(`no audit events for proposal "${id}"`);
  if (json) return out(JSON.stringify({ events }));
  for (const e of events) out(`${String(e.seq).padStart(6)}  ${e.at}  ${e.type.padEnd(26)} ${e.actor.padEnd(12)} ${e.reason ?? ''}  ${e.hash.slice(0, 12)}`);
}

const COLUMNS = ['seq', 'at', 'type', 'proposal_id', 'actor', 'reason', 'data', 'prev_hash', 'hash'] as const;

/** RFC 4180 quoting; a leading =, +, - or @ is neutralised so spreadsheets never run a cell as a formula. */
function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export async function auditExport(store: Store, format: string, write: (chunk: string) => void): Promise<void> {
  if (format !== 'jsonl' && format !== 'csv') throw usageError('--format must be jsonl or csv');
  if (format === 'csv') write(`${COLUMNS.join(',')}\n`);
  for await (const event of allEvents(store)) {
    write(format === 'jsonl' ? `${JSON.stringify(event)}\n` : `${COLUMNS.map((c) => csvCell((event as AuditEvent)[c])).join(',')}\n`);
  }
}
