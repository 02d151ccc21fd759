import type { AuditEvent } from '../domain/audit-event.js';
import { eventLeaf } from './audit-leaf.js';
import { openCheckpoint } from './checkpoint.js';
import { hashEvent } from './hash-chain.js';
import { verifyInclusion } from './merkle.js';
import type { NoteVerifier } from './note-key.js';

export interface ChainToCheck {
  events: AuditEvent[];
  checkpoint: { note: string } | null;
  proofs: { seq: number; leaf_index: number; hashes: string[] }[];
}

export interface EventCheck {
  seq: number;
  ok: boolean;
  problem?: string;
}

/**
 * Checks a proposal's chain offline with only the log's public key: the
 * checkpoint's signature, each event's hash against its content, and each
 * event's inclusion proof against the signed root. Throws CheckpointError
 * when the checkpoint itself does not verify.
 */
export function checkChain(chain: ChainToCheck, verifier: NoteVerifier): { ok: boolean; tree_size: number; events: EventCheck[] } {
  if (!chain.checkpoint) return { ok: false, tree_size: 0, events: chain.events.map((e) => ({ seq: e.seq, ok: false, problem: 'no signed checkpoint covers it' })) };
  const signed = openCheckpoint(chain.checkpoint.note, verifier);
  const proofs = new Map(chain.proofs.map((p) => [p.seq, p]));
  const events = chain.events.map((e): EventCheck => {
    if (hashEvent(e) !== e.hash) return { seq: e.seq, ok: false, problem: 'its content does not match its hash' };
    const proof = proofs.get(e.seq);
    if (!proof || e.seq > signed.size) return { seq: e.seq, ok: false, problem: `not covered by the checkpoint (tree size ${signed.size})` };
    const ok = proof.leaf_index === e.seq - 1 && verifyInclusion(e.seq - 1, signed.size, eventLeaf(e), proof.hashes.map((h) => Buffer.from(h, 'hex')), signed.root);
    return ok ? { seq: e.seq, ok } : { seq: e.seq, ok, problem: 'its inclusion proof does not lead to the signed root' };
  });
  return { ok: events.length > 0 && events.every((e) => e.ok), tree_size: signed.size, events };
}
