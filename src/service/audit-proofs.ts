import { eventLeaf } from '../audit/audit-leaf.js';
import { inclusionProof } from '../audit/merkle-proofs.js';
import type { AuditEvent } from '../domain/audit-event.js';
import type { AuditLogReader, StoredCheckpoint } from '../store/audit-log-store.js';

export interface InclusionProof {
  seq: number;
  leaf_index: number;
  /** Hex H(0x00 ‖ event hash). */
  leaf_hash: string;
  /** Hex RFC 9162 audit path, leaf side first. */
  hashes: string[];
}

/** One proposal's events, each with its inclusion proof against a signed checkpoint. */
export interface ProvenChain {
  events: AuditEvent[];
  checkpoint: Pick<StoredCheckpoint, 'tree_size' | 'root_hash' | 'note'> | null;
  proofs: InclusionProof[];
}

/** Events after the checkpoint get no proof (the caller signs one first so there are none). */
export async function proveChain(store: AuditLogReader, events: AuditEvent[], checkpoint: StoredCheckpoint | undefined): Promise<ProvenChain> {
  if (!checkpoint) return { events, checkpoint: null, proofs: [] };
  const size = checkpoint.tree_size;
  const covered = events.filter((e) => e.seq <= size);
  const proofs = await Promise.all(
    covered.map(async (e) => ({
      seq: e.seq,
      leaf_index: e.seq - 1,
      leaf_hash: eventLeaf(e).toString('hex'),
      hashes: (await inclusionProof((refs) => store.merkleNodes(refs), e.seq - 1, size)).map((h) => h.toString('hex')),
    })),
  );
  const { tree_size, root_hash, note } = checkpoint;
  return { events, checkpoint: { tree_size, root_hash, note }, proofs };
}
