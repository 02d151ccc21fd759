import { checkChain } from '../audit/chain-check.js';
import { CheckpointError } from '../audit/checkpoint.js';
import { checkDecisionSignatures, signingKeyIds, type SignatureVerdict } from '../audit/decision-signatures.js';
import type { NoteVerifier } from '../audit/note-key.js';
import type { AuditEvent } from '../domain/audit-event.js';
import type { AuditLogReader, StoredCheckpoint } from '../store/store.js';
import { type ProvenChain, proveChain } from './audit-proofs.js';

export interface ChainSignatures {
  /** Per decision event's seq: its signature's verdict, or null when unsigned. */
  verdicts: Map<number, SignatureVerdict | null>;
  /** The key events the verdicts rest on, with their inclusion proofs against the same checkpoint. */
  keys: ProvenChain;
}

/**
 * Checks the signed decisions of one proposal's events offline: only key
 * events that the signed checkpoint proves are in the log are trusted, so a
 * key registration slipped into the database afterwards proves nothing.
 */
export async function checkChainSignatures(store: AuditLogReader, events: AuditEvent[], checkpoint: StoredCheckpoint | undefined, verifier: NoteVerifier): Promise<ChainSignatures> {
  const keyEvents = await store.keyEvents(signingKeyIds(events));
  const keys = await proveChain(store, keyEvents, checkpoint);
  let proven = new Set<number>();
  if (keyEvents.length > 0) {
    try {
      proven = new Set(checkChain(keys, verifier).events.filter((c) => c.ok).map((c) => c.seq));
    } catch (error) {
      if (!(error instanceof CheckpointError)) throw error;
    }
  }
  return { verdicts: checkDecisionSignatures(events, keyEvents.filter((e) => proven.has(e.seq))), keys };
}

/** A decision event as `audit chain --verify --json` shows it: with its top-level `signature` verdict. */
export const withSignature = (event: AuditEvent, verdicts: ChainSignatures['verdicts']): AuditEvent | (AuditEvent & { signature: SignatureVerdict | null }) =>
  verdicts.has(event.seq) ? { ...event, signature: verdicts.get(event.seq)! } : event;
