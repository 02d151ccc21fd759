import { readFile, writeFile } from 'node:fs/promises';
import { type Checkpoint, CheckpointError, checkpointBody, isSignedNote, openCheckpoint, openUnsignedCheckpoint, signCheckpoint } from '../audit/checkpoint.js';
import { rootAt } from '../audit/merkle-proofs.js';
import { verifyLog } from '../service/audit-service.js';
import type { AuditLogReader } from '../store/audit-log-store.js';
import { type KeyFlags, localSigner, requireVerifier, verifierOf } from './audit-keys.js';
import { refusal, usageError } from './cli-error.js';
import { fileError } from './file-errors.js';

type Out = (text: string) => void;

/**
 * `audit checkpoint --out FILE`: the log's head as it is now, verified first,
 * so a tail cut after it is always caught by `audit verify --checkpoint FILE`.
 * Signed when this machine holds the checkpoint key; otherwise the bare
 * checkpoint, the auditor's own observation. Nothing is written to the database.
 */
export async function auditCheckpoint(store: AuditLogReader, flags: KeyFlags & { out: string; json?: boolean }, out: Out): Promise<void> {
  const verifier = verifierOf(flags);
  const verified = await verifyLog(store, { verifier });
  if (!verified.ok) throw refusal(`not recording a tampered log: first bad seq ${verified.first_bad_seq}: ${verified.problem}`);
  const size = verified.events;
  if (size === 0) throw refusal('the audit log is empty: there is nothing to record yet');
  // The stored tree was just checked against the events: its root at `size` is the verified one.
  const root = await rootAt((refs) => store.merkleNodes(refs), size);
  const signer = localSigner(flags);
  const origin = verifier?.name ?? (await store.latestCheckpoint())?.note.split('\n')[0] ?? 'countersign';
  const checkpoint: Checkpoint = { origin, size, root };
  const note = signer ? signCheckpoint(checkpoint, signer) : checkpointBody(checkpoint);
  await writeFile(flags.out, note).catch((error: unknown) => {
    throw fileError(error, flags.out, 'write');
  });
  const root_hash = root.toString('hex');
  if (flags.json) return out(JSON.stringify({ tree_size: size, root_hash, signed: !!signer, out: flags.out }));
  const kind = signer ? `checkpoint signed by ${signer.name}` : 'unsigned checkpoint (your own observation: no checkpoint key here)';
  out(`Verified ${size} events and wrote the ${kind} of them (root ${root_hash}) to ${flags.out}`);
}

/** A checkpoint file saved earlier: a signed one is checked against the public key; a bare one is taken as kept. */
export async function readWitnessed(file: string, flags: KeyFlags): Promise<{ checkpoint: Checkpoint; signed: boolean }> {
  const note = await readFile(file, 'utf8').catch((error: unknown) => {
    throw fileError(error, file, 'read');
  });
  try {
    if (!isSignedNote(note)) return { checkpoint: openUnsignedCheckpoint(note), signed: false };
    return { checkpoint: openCheckpoint(note, requireVerifier(flags)), signed: true };
  } catch (error) {
    if (error instanceof CheckpointError) throw usageError(`${file}: ${error.message}`);
    throw error;
  }
}
