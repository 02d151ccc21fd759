import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eventLeaf } from './audit-leaf.js';
import { LogTree, subtreeSpans } from './log-tree.mjs';
import { CompactTree, EMPTY_ROOT } from './merkle.js';

const eventHash = (i: number) => createHash('sha256').update(`event ${i}`).digest('hex');

describe('the log tree re-hashed from chain hashes', () => {
  it('has the root CompactTree gives over the events’ leaves, at every size up to 300', () => {
    const log = new LogTree();
    const compact = new CompactTree();
    expect(log.root().equals(EMPTY_ROOT)).toBe(true);
    for (let i = 0; i < 300; i++) {
      log.push(eventHash(i));
      compact.push(eventLeaf({ hash: eventHash(i) }));
      expect(log.size).toBe(compact.size);
      expect(log.root().toString('hex'), `size ${i + 1}`).toBe(compact.root().toString('hex'));
    }
  });

  it('gives the same roots when grown by the subtrees of pages, cut at any sizes', () => {
    const hashes = Array.from({ length: 300 }, (_, i) => eventHash(i));
    const compact = new CompactTree();
    const want = hashes.map((h) => (compact.push(eventLeaf({ hash: h })), compact.root().toString('hex')));
    for (const per of [1, 3, 4, 7, 64, 256]) {
      const log = new LogTree();
      const cuts = [5, 6, 64, 100, 101, 255, 299];
      for (let start = 0; start < hashes.length; start += per) {
        for (const span of subtreeSpans(hashes.slice(start, start + per), start, cuts)) {
          for (const node of span.nodes) log.pushSubtree(node.level, node.hash);
          expect(log.size).toBe(span.end);
          expect(log.root().toString('hex'), `pages of ${per}, size ${log.size}`).toBe(want[log.size - 1]);
        }
      }
      expect(log.size).toBe(300);
    }
  });

  it('refuses a subtree that does not start on its own boundary', () => {
    const log = new LogTree();
    log.push(eventHash(0));
    expect(() => log.pushSubtree(1, eventHash(1))).toThrow(/cannot follow 1 leaves/);
  });

  it('refuses a hash that is not 64 hex digits', () => {
    const log = new LogTree();
    expect(() => log.push(eventHash(0).slice(1))).toThrow(/not a SHA-256/);
    expect(() => log.push(`${eventHash(0).slice(0, 63)}x`)).toThrow(/not a SHA-256/);
    expect(log.size).toBe(0);
  });
});
