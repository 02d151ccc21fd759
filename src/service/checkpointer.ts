import { signCheckpoint } from '../audit/checkpoint.js';
import { rootAt } from '../audit/merkle-proofs.js';
import type { NoteSigner } from '../audit/note-key.js';
import type { AuditLogReader, AuditLogStore, StoredCheckpoint } from '../store/audit-log-store.js';

export interface CheckpointerDeps {
  store: AuditLogStore;
  signer: NoteSigner;
  clock: () => number;
  /** Told about each checkpoint this process signs (e.g. to push it to a witness). */
  onSigned?: (checkpoint: StoredCheckpoint) => void;
  /** Told when a signed checkpoint could not be stored (the next call signs and stores again). */
  onError?: (error: unknown) => void;
}

/** A checkpoint of the first `size` events, signed and not stored: O(log n) node reads and one Ed25519 signature. */
export async function signTreeAt(log: AuditLogReader, size: number, signer: NoteSigner, clock: () => number): Promise<StoredCheckpoint> {
  const root = await rootAt((refs) => log.merkleNodes(refs), size);
  return {
    tree_size: size,
    root_hash: root.toString('hex'),
    note: signCheckpoint({ origin: signer.name, size, root }, signer),
    signed_at: new Date(clock()).toISOString(),
  };
}

/**
 * Signs checkpoints of the audit log's Merkle tree. Each signing is cheap
 * (O(log n) node reads and one Ed25519 signature) and skipped when the
 * newest checkpoint already covers the log.
 */
export function createCheckpointer({ store, signer, clock, onSigned, onError }: CheckpointerDeps) {
  let latest: StoredCheckpoint | undefined;
  const pending = new Set<Promise<void>>();

  async function signIfGrown(): Promise<StoredCheckpoint | undefined> {
    const size = await store.auditTreeSize();
    if (size === 0) return undefined;
    if (!latest || latest.tree_size < size) latest = (await store.latestCheckpoint()) ?? latest;
    if (latest && latest.tree_size >= size) return latest;
    const checkpoint = await signTreeAt(store, size, signer, clock);
    // Not awaited: the signature exists now, before any grant. On SQLite the
    // row joins the group commit that also carries the caller's next write
    // (the claim), so a claim does not wait for a durable commit of its own.
    const saving = store.saveCheckpoint(checkpoint).catch((error: unknown) => {
      if (latest === checkpoint) latest = undefined;
      onError?.(error);
    });
    pending.add(saving);
    void saving.finally(() => pending.delete(saving));
    latest = checkpoint;
    onSigned?.(checkpoint);
    return checkpoint;
  }

  let running: Promise<StoredCheckpoint | undefined> | undefined;
  let queued: Promise<StoredCheckpoint | undefined> | undefined;

  /**
   * A checkpoint covering every event committed before this call. One signing
   * runs at a time; callers arriving meanwhile share the single signing that
   * follows it (it sees all their events), so a burst of claims costs two
   * signatures, not one each.
   */
  function coverNow(): Promise<StoredCheckpoint | undefined> {
    if (!running) {
      running = signIfGrown().finally(() => (running = undefined));
      return running;
    }
    queued ??= running
      .catch(() => {})
      .then(() => {
        queued = undefined;
        return coverNow();
      });
    return queued;
  }

  return {
    coverNow,

    /** Resolves once every signed checkpoint is stored (call before closing the store). */
    async stored(): Promise<void> {
      await Promise.all(pending);
    },

    /** Signs at `intervalMs` while the log grows; returns a stop function. */
    start(intervalMs: number, onError: (error: unknown) => void): () => void {
      const timer = setInterval(() => coverNow().catch(onError), intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}

export type Checkpointer = ReturnType<typeof createCheckpointer>;
