import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AuditEventInput } from '../domain/audit-event.js';
import { EMPTY_LOG, type LogHead, type NodeRow, sealAppend } from './audit-appender.js';
import { eventLeaf } from './audit-leaf.js';
import { canonicalJson } from './canonical-json.js';
import { ChainVerifier } from './hash-chain.js';
import { CompactTree, foldRange, frontier, storageIndex } from './merkle.js';

const input = (n: number): AuditEventInput => ({ at: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(), type: 'policy.loaded', proposal_id: null, actor: 'system', reason: `v${n}`, data: { n, z: 'é', a: [n] } });

describe('the audit appender', () => {
  it('seals events after the head: numbered on, linked, stored as canonical JSON text', () => {
    const first = sealAppend(EMPTY_LOG, [input(1), input(2)]);
    const next = sealAppend(first.head, [input(3)]);
    const events = [...first.events, ...next.events];
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3]);
    const chain = new ChainVerifier();
    expect(events.every((e) => chain.push(e))).toBe(true);
    expect(next.records[0]).toEqual({ ...next.events[0], data: canonicalJson(input(3).data) });
    expect(next.head).toMatchObject({ seq: 3, hash: events[2]!.hash });
  });

  it('appends nothing for no events, and leaves the head as it was', () => {
    const head = sealAppend(EMPTY_LOG, [input(1)]).head;
    expect(sealAppend(head, [])).toEqual({ events: [], records: [], nodes: [], head });
  });

  it('grows the same tree whatever the batches: every complete subtree once, the frontier and root of the whole log', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 12 }), (batches) => {
        let head: LogHead = EMPTY_LOG;
        const nodes: NodeRow[] = [];
        let n = 0;
        for (const size of batches) {
          const sealed = sealAppend(head, Array.from({ length: size }, () => input(++n)));
          nodes.push(...sealed.nodes);
          head = sealed.head;
        }
        const whole = sealAppend(EMPTY_LOG, Array.from({ length: n }, (_, i) => input(i + 1)));
        expect(head).toEqual(whole.head);
        expect(nodes).toEqual(whole.nodes);
        // Every leaf and inner node is written once, in post order, so ids count up from 0.
        expect(nodes.map((r) => r.id)).toEqual(nodes.map((_, i) => i));
        const tree = new CompactTree();
        whole.events.forEach((e) => tree.push(eventLeaf(e)));
        const byId = new Map(nodes.map((r) => [r.id, r.hash]));
        expect(frontier(n).map((ref) => byId.get(storageIndex(ref)))).toEqual(head.frontier);
        expect(foldRange(head.frontier).equals(tree.root())).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});
