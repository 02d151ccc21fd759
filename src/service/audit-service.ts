import { eventLeaf } from '../audit/audit-leaf.js';
import { type Checkpoint, CheckpointError, openCheckpoint } from '../audit/checkpoint.js';
import { ChainVerifier, type VerifyResult } from '../audit/hash-chain.js';
import { CompactTree, type Hash, verifyConsistency } from '../audit/merkle.js';
import { consistencyProof, rootAt } from '../audit/merkle-proofs.js';
import type { NoteVerifier } from '../audit/note-key.js';
import type { AuditEvent } from '../domain/audit-event.js';
import type { AuditLogReader } from '../store/audit-log-store.js';
import { checkedPages, PAGES, type PageTuning } from './audit-pages.js';

const PAGE = 5_000;

/** Every event in seq order, a page at a time. */
export async function* allEvents(store: AuditLogReader): AsyncGenerator<AuditEvent> {
  for (let after = 0; ; ) {
    const page = await store.auditEventsAfter(after, PAGE);
    yield* page;
    if (page.length < PAGE) return;
    after = page[page.length - 1]!.seq;
  }
}


export interface VerifyOptions {
  /** A checkpoint saved earlier (its signature already checked): the log must extend it. */
  witnessed?: Checkpoint;
  /** The log's public key: the newest stored checkpoint must carry its signature. */
  verifier?: NoteVerifier;
  /** Called with the number of events checked so far. */
  progress?: (events: number) => void;
}

export type LogVerifyResult = VerifyResult & { checkpoint?: { tree_size: number; root_hash: string; witnessed: boolean } };

const tampered = (events: number, first_bad_seq: number, problem: string): LogVerifyResult => ({ ok: false, events, first_bad_seq, problem });

/**
 * Recomputes every hash and link, and the Merkle tree from the events'
 * content; names the first bad seq. A witnessed checkpoint catches what no
 * recomputation can: a cut-off tail, or a history rewritten with every hash
 * recomputed (its root differs and the forger cannot sign). A long log is
 * checked a page at a time on two threads (`pages` says how; see audit-pages).
 */
export async function verifyLog(store: AuditLogReader, options: VerifyOptions = {}, pages: PageTuning = PAGES): Promise<LogVerifyResult> {
  const stored = await store.latestCheckpoint();
  const watch = [options.witnessed?.size, stored?.tree_size].filter((n): n is number => n !== undefined);
  const roots = new Map<number, Hash>();
  const chain = new ChainVerifier();
  const tree = new CompactTree();
  let reported = 0;
  for await (const page of checkedPages(store, watch, pages)) {
    if (!chain.pushPage(page)) break;
    for (const span of page.spans) {
      for (const node of span.nodes) tree.pushSubtree(node.level, Buffer.from(node.hash, 'hex'));
      if (watch.includes(tree.size)) roots.set(tree.size, tree.root());
    }
    for (; reported + PAGE <= tree.size; reported += PAGE) options.progress?.(reported + PAGE);
  }
  const result = chain.result();
  if (!result.ok) return result;
  const n = result.events;
  const root = tree.root();

  if (n > 0 && !(await rootAt((refs) => store.merkleNodes(refs), n).then((r) => r.equals(root), () => false))) {
    return tampered(n, await firstBadLeaf(store, n), 'the stored Merkle tree does not match the events');
  }

  let summary: LogVerifyResult['checkpoint'];
  if (stored && options.verifier) {
    try {
      const signed = openCheckpoint(stored.note, options.verifier);
      if (signed.size > n) return tampered(n, n + 1, `the log has ${n} events but its signed checkpoint covers ${signed.size}: events ${n + 1}..${signed.size} were removed`);
      if (!roots.get(signed.size)?.equals(signed.root)) return tampered(n, 1, `events 1..${signed.size} differ from the signed checkpoint: the history was rewritten`);
      summary = { tree_size: signed.size, root_hash: signed.root.toString('hex'), witnessed: false };
    } catch (error) {
      if (!(error instanceof CheckpointError)) throw error;
      return tampered(n, 1, `the stored checkpoint is not signed by ${options.verifier.name}: ${error.message}`);
    }
  }

  const w = options.witnessed;
  if (w) {
    if (w.size > n) return tampered(n, n + 1, `the log has ${n} events but the witnessed checkpoint covers ${w.size}: events ${n + 1}..${w.size} were removed`);
    if (w.size === 0 || !roots.get(w.size)?.equals(w.root)) return tampered(n, 1, `events 1..${w.size} differ from the witnessed checkpoint: the history was rewritten`);
    const proof = await consistencyProof((refs) => store.merkleNodes(refs), w.size, n);
    if (!verifyConsistency(w.size, n, proof, w.root, root)) return tampered(n, 1, `no valid consistency proof from the witnessed size ${w.size} to ${n}`);
    summary = { tree_size: w.size, root_hash: w.root.toString('hex'), witnessed: true };
  }
  return summary ? { ...result, checkpoint: summary } : result;
}

/** The first event whose stored leaf differs from its recomputed one. */
async function firstBadLeaf(store: AuditLogReader, n: number): Promise<number> {
  let seq = 0;
  for await (const event of allEvents(store)) {
    seq = event.seq;
    const stored = await store.merkleNodes([{ level: 0, index: seq - 1 }]).then((h) => h[0], () => undefined);
    if (!stored?.equals(eventLeaf(event))) return seq;
  }
  return Math.min(seq, n);
}
