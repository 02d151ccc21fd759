import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eventLeaf, eventLeafHex } from './audit-leaf.js';
import { CompactTree, EMPTY_ROOT, nodeHash, nodeHex, subtreeSpans } from './merkle.js';

const eventHash = (i: number) => createHash('sha256').update(`event ${i}`).digest('hex');

describe('the log tree re-hashed from chain hashes, a page at a time', () => {
  it('hashes leaves and nodes in hex exactly as eventLeaf and nodeHash do, for 300 events', () => {
    expect(new CompactTree().root().equals(EMPTY_ROOT)).toBe(true);
    for (let i = 0; i < 300; i++) {
      const leaf = eventLeaf({ hash: eventHash(i) });
      expect(eventLeafHex(eventHash(i)), `event ${i}`).toBe(leaf.toString('hex'));
      const right = Buffer.from(eventHash(i + 1), 'hex');
      expect(nodeHex(leaf.toString('hex'), right.toString('hex')), `node ${i}`).toBe(nodeHash(leaf, right).toString('hex'));
    }
  });

  it('gives the same roots as leaf by leaf when grown by the subtrees of pages, cut at any sizes', () => {
    const hashes = Array.from({ length: 300 }, (_, i) => eventHash(i));
    const compact = new CompactTree();
    const want = hashes.map((h) => (compact.push(eventLeaf({ hash: h })), compact.root().toString('hex')));
    for (const per of [1, 3, 4, 7, 64, 256]) {
      const log = new CompactTree();
      const cuts = [5, 6, 64, 100, 101, 255, 299];
      for (let start = 0; start < hashes.length; start += per) {
        for (const span of subtreeSpans(hashes.slice(start, start + per).map(eventLeafHex), start, cuts)) {
          for (const node of span.nodes) log.pushSubtree(node.level, Buffer.from(node.hash, 'hex'));
          expect(log.size).toBe(span.end);
          expect(log.root().toString('hex'), `pages of ${per}, size ${log.size}`).toBe(want[log.size - 1]);
        }
      }
      expect(log.size).toBe(300);
    }
  });

  it('refuses a subtree that does not start on its own boundary', () => {
    const log = new CompactTree();
    log.push(eventLeaf({ hash: eventHash(0) }));
    expect(() => log.pushSubtree(1, Buffer.from(eventHash(1), 'hex'))).toThrow(/cannot follow 1 leaves/);
    expect(log.size).toBe(1);
  });

  it('refuses a hash that is not 64 hex digits', () => {
    expect(() => eventLeafHex(eventHash(0).slice(1))).toThrow(/not a SHA-256/);
    expect(() => eventLeafHex(`${eventHash(0).slice(0, 63)}x`)).toThrow(/not a SHA-256/);
    expect(() => subtreeSpans([eventHash(0).slice(1)].map(eventLeafHex), 0, [])).toThrow(/not a SHA-256/);
  });
});
