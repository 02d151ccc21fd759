import { ChainVerifier, type VerifyResult } from '../audit/hash-chain.js';
import type { AuditEvent } from '../domain/audit-event.js';
import type { Store } from '../store/store.js';

const PAGE = 5_000;

/** Every event in seq order, a page at a time. */
export async function* allEvents(store: Store): AsyncGenerator<AuditEvent> {
  for (let after = 0; ; ) {
    const page = await store.auditEventsAfter(after, PAGE);
    yield* page;
    if (page.length < PAGE) return;
    after = page[page.length - 1]!.seq;
  }
}

/** Recomputes every hash and link; names the first bad seq. */
export async function verifyLog(store: Store): Promise<VerifyResult> {
  const verifier = new ChainVerifier();
  for await (const event of allEvents(store)) if (!verifier.push(event)) break;
  return verifier.result();
}
