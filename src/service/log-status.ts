import { CheckpointError, openCheckpoint } from '../audit/checkpoint.js';
import type { NoteVerifier } from '../audit/note-key.js';
import type { AuditLogReader } from '../store/audit-log-store.js';
import { type LogVerifyResult, verifyLog } from './audit-service.js';

export interface CheckpointStatus {
  tree_size: number;
  signed_at: string;
  /** Events appended since it was signed (a checkpoint is signed at least every minute while the log grows). */
  events_since: number;
  /** Whether its signature checks out with this server's public key. */
  signature: 'valid' | 'invalid' | 'unchecked';
}

export interface Verification {
  result: LogVerifyResult;
  at: string;
  by: string;
  ms: number;
}

/**
 * What the reports page says about the log: the newest checkpoint (cheap:
 * one row and one signature check) and the last full verification, which
 * runs when someone asks for it rather than on every page view.
 */
export function createLogStatus({ store, verifier, clock }: { store: AuditLogReader; verifier?: NoteVerifier; clock: () => number }) {
  let last: Verification | undefined;
  let running: Promise<Verification> | undefined;

  return {
    async checkpoint(): Promise<CheckpointStatus | undefined> {
      const [stored, size] = await Promise.all([store.latestCheckpoint(), store.auditTreeSize()]);
      if (!stored) return undefined;
      let signature: CheckpointStatus['signature'] = 'unchecked';
      if (verifier) {
        try {
          signature = openCheckpoint(stored.note, verifier).size === stored.tree_size ? 'valid' : 'invalid';
        } catch (error) {
          if (!(error instanceof CheckpointError)) throw error;
          signature = 'invalid';
        }
      }
      return { tree_size: stored.tree_size, signed_at: stored.signed_at, events_since: Math.max(0, size - stored.tree_size), signature };
    },

    lastVerification: (): Verification | undefined => last,

    /** Verifies the whole log; callers arriving while one runs share it. */
    verify(by: string): Promise<Verification> {
      running ??= (async () => {
        const started = clock();
        const t = performance.now();
        const result = await verifyLog(store, { verifier });
        last = { result, at: new Date(started).toISOString(), by, ms: Math.round(performance.now() - t) };
        return last;
      })().finally(() => (running = undefined));
      return running;
    },
  };
}

export type LogStatus = ReturnType<typeof createLogStatus>;
