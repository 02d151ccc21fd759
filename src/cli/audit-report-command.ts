import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { csvRows } from '../audit/csv.js';
import { reportHtml } from '../audit/report-html.js';
import type { Policy } from '../policy/policy-config.js';
import { gatherEvidence } from '../service/evidence-report.js';
import type { ReadOnlyStore } from '../store/store.js';
import { type KeyFlags, verifierOf } from './audit-keys.js';
import { currentCheckpoint } from './audit-proof-commands.js';
import { usageError } from './cli-error.js';
import { fileError } from './file-errors.js';
import { INSTANT_HINT, parseInstant } from '../domain/period.js';

/** A date (whole UTC day) or an ISO instant; `end` makes a bare date include its whole day. */
export function parseDate(value: string, option: string, end: boolean): string {
  const instant = parseInstant(value, end);
  if (!instant) throw usageError(`${option} ${INSTANT_HINT} (got "${value}")`);
  return instant;
}

const jsonl = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : '');

/** Writes DIR/index.html and the exports beside it; exit 1 if the log does not verify. */
export async function auditReport(store: ReadOnlyStore, flags: KeyFlags & { from: string; to: string; out: string; json?: boolean }, policy: Policy, out: (t: string) => void): Promise<0 | 1> {
  const from = parseDate(flags.from, '--from', false);
  const to = parseDate(flags.to, '--to', true);
  if (from >= to) throw usageError('--from must be before --to');
  const checkpoint = await currentCheckpoint(store, flags);
  const { input, events } = await gatherEvidence(store, { from, to, policy, checkpoint, verifier: verifierOf(flags), clock: Date.now });
  const { actions, refusals, expirations } = input.rows;
  const files: Record<string, string> = {
    'actions.jsonl': jsonl(actions),
    'actions.csv': csvRows(Object.keys(actions[0] ?? { proposal_id: '' }), actions as unknown as Record<string, unknown>[]),
    'refused.jsonl': jsonl(refusals),
    'refused.csv': csvRows(['seq', 'at', 'proposal_id', 'actor', 'attempt', 'code', 'reason'], refusals as unknown as Record<string, unknown>[]),
    'expired.jsonl': jsonl(expirations),
    'expired.csv': csvRows(Object.keys(expirations[0] ?? { proposal_id: '' }), expirations as unknown as Record<string, unknown>[]),
    'events.jsonl': jsonl(events),
    ...(input.checkpoint ? { 'checkpoint.txt': input.checkpoint.note } : {}),
  };
  try {
    await mkdir(flags.out, { recursive: true });
    await writeFile(join(flags.out, 'index.html'), reportHtml({ ...input, files: Object.keys(files) }));
    for (const [name, text] of Object.entries(files)) await writeFile(join(flags.out, name), text);
  } catch (error) {
    throw fileError(error, `the report to ${flags.out}`, 'write');
  }
  const summary = { out: flags.out, from, to, actions: actions.length, refused: refusals.length, expired: expirations.length, verified: input.verification.ok };
  out(flags.json ? JSON.stringify(summary) : `Wrote ${join(flags.out, 'index.html')}: ${actions.length} high-risk actions, ${refusals.length} refused attempts, ${expirations.length} expirations; log ${input.verification.ok ? 'verified intact' : 'TAMPERED'}`);
  return input.verification.ok ? 0 : 1;
}
