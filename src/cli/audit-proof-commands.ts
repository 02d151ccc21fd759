import { checkChain } from '../audit/chain-check.js';
import { CheckpointError } from '../audit/checkpoint.js';
import { proveChain } from '../service/audit-proofs.js';
import { verifyLog } from '../service/audit-service.js';
import { signTreeAt } from '../service/checkpointer.js';
import { checkChainSignatures, withSignature } from '../service/signature-audit.js';
import type { AuditLogReader, StoredCheckpoint } from '../store/audit-log-store.js';
import { type KeyFlags, localSigner, requireVerifier, verifierOf } from './audit-keys.js';
import { readWitnessed } from './audit-checkpoint-command.js';
import { refusal } from './cli-error.js';

type Out = (text: string) => void;

/**
 * The newest checkpoint; if this machine holds the key and the log has grown
 * since, one signed now (kept in memory: the database is only read), so it
 * covers the whole log.
 */
export async function currentCheckpoint(store: AuditLogReader, flags: KeyFlags): Promise<StoredCheckpoint | undefined> {
  const signer = localSigner(flags);
  const [stored, size] = await Promise.all([store.latestCheckpoint(), store.auditTreeSize()]);
  if (!signer || size === 0 || (stored && stored.tree_size >= size)) return stored;
  return signTreeAt(store, size, signer, Date.now);
}

export { auditCheckpoint } from './audit-checkpoint-command.js';

export function auditPublicKey(flags: KeyFlags, out: Out): void {
  out(requireVerifier(flags).text);
}

/** Exit 0 intact (and extending the witnessed checkpoint), 1 tampered. */
export async function auditVerifyWithKeys(store: AuditLogReader, flags: KeyFlags & { checkpoint?: string; json?: boolean }, out: Out): Promise<0 | 1> {
  const saved = flags.checkpoint ? await readWitnessed(flags.checkpoint, flags) : undefined;
  const witnessed = saved?.checkpoint;
  const tty = !flags.json && process.stderr.isTTY;
  const result = await verifyLog(store, {
    witnessed,
    verifier: verifierOf(flags),
    progress: tty ? (n) => process.stderr.write(`\rverifying… ${n} events`) : undefined,
  });
  if (tty) process.stderr.write('\r\x1b[K');
  if (flags.json) out(JSON.stringify(result.checkpoint?.witnessed ? { ...result, checkpoint: { ...result.checkpoint, signed: saved!.signed } } : result));
  else if (result.ok) {
    const cp = result.checkpoint;
    const which = cp?.witnessed ? (saved!.signed ? 'witnessed' : 'witnessed (unsigned)') : 'signed';
    out(`OK: ${result.events} audit events, hash chain intact, Merkle tree matches${cp ? `; extends the ${which} checkpoint of ${cp.tree_size} events` : ''}`);
  } else out(`TAMPERED: first bad seq ${result.first_bad_seq}: ${result.problem}`);
  return result.ok ? 0 : 1;
}

/**
 * `audit chain ID --verify`: each event's inclusion proof checked offline
 * against the signed checkpoint, and each decision's signature against the
 * log's own key registrations.
 */
export async function auditChainVerify(store: AuditLogReader, id: string, flags: KeyFlags & { json?: boolean }, out: Out): Promise<0 | 1> {
  const verifier = requireVerifier(flags);
  const events = await store.auditEventsFor(id);
  if (events.length === 0) throw refusal(`no audit events for proposal "${id}"`);
  const checkpoint = await currentCheckpoint(store, flags);
  const chain = await proveChain(store, events, checkpoint);
  const signatures = await checkChainSignatures(store, events, checkpoint, verifier);
  const signaturesOk = [...signatures.verdicts.values()].every((v) => v?.verified !== false);
  let check;
  try {
    check = checkChain(chain, verifier);
  } catch (error) {
    if (!(error instanceof CheckpointError)) throw error;
    check = { ok: false, tree_size: 0, events: events.map((e) => ({ seq: e.seq, ok: false, problem: error.message })) };
  }
  const ok = check.ok && signaturesOk;
  if (flags.json) {
    out(JSON.stringify({ ...chain, events: events.map((e) => withSignature(e, signatures.verdicts)), verification: { ...check, ok }, key_events: signatures.keys }));
  } else {
    const bySeq = new Map(check.events.map((c) => [c.seq, c]));
    for (const e of events) {
      const c = bySeq.get(e.seq)!;
      const verdict = signatures.verdicts.get(e.seq);
      const signed = verdict === undefined ? '' : verdict === null ? '; unsigned' : verdict.verified ? `; signed by ${verdict.kind} ${verdict.key_id}${verdict.kind === 'passkey' ? ' (user verified)' : ''}: verified` : `; SIGNATURE NOT VERIFIED (${verdict.kind} ${verdict.key_id}): ${verdict.problem}`;
      out(`${c.ok && verdict?.verified !== false ? 'ok ' : 'BAD'} ${String(e.seq).padStart(6)}  ${e.at}  ${e.type.padEnd(26)} ${e.actor.padEnd(12)} ${c.problem ?? 'included in the signed tree'}${signed}`);
    }
    out(ok ? `OK: ${events.length} events proven against the checkpoint of ${check.tree_size} events signed by ${verifier.name}` : 'NOT PROVEN: see the lines marked BAD');
  }
  return ok ? 0 : 1;
}
