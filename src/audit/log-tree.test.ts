import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eventLeaf } from './audit-leaf.js';
import { LogTree } from './log-tree.js';
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

  it('refuses a hash that is not 64 hex digits', () => {
    const log = new LogTree();
    expect(() => log.push(eventHash(0).slice(1))).toThrow(/not a SHA-256/);
    expect(() => log.push(`${eventHash(0).slice(0, 63)}x`)).toThrow(/not a SHA-256/);
    expect(log.size).toBe(0);
  });
});
