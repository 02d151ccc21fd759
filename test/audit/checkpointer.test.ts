import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateNoteKey, parseSigner } from '../../src/audit/note-key.js';
import { createCheckpointer } from '../../src/service/checkpointer.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { StoredCheckpoint } from '../../src/store/store.js';
import { newProposal } from '../store/store-fixtures.js';
import { tempDir } from '../support/harness.js';

describe('the checkpointer', () => {
  it('gives every caller a checkpoint covering the events committed before its call, sharing signatures in a burst', async () => {
    const store = openSqliteStore(join(tempDir(), 'c.db'));
    try {
      const signed: StoredCheckpoint[] = [];
      const checkpoints = createCheckpointer({ store, signer: parseSigner(generateNoteKey('countersign-test')), clock: Date.now, onSigned: (c) => signed.push(c) });
      const calls = await Promise.all(
        Array.from({ length: 20 }, async () => {
          const { proposal, events } = newProposal();
          await store.insertProposal(proposal, events);
          const sizeAtCall = await store.auditTreeSize();
          return { sizeAtCall, checkpoint: await checkpoints.coverNow() };
        }),
      );
      await checkpoints.stored();
      for (const { sizeAtCall, checkpoint } of calls) expect(checkpoint!.tree_size).toBeGreaterThanOrEqual(sizeAtCall);
      expect(signed.length).toBeLessThanOrEqual(3);
      expect((await store.latestCheckpoint())!.tree_size).toBe(20);
      // Nothing new: no new signature.
      await checkpoints.coverNow();
      expect(signed.length).toBeLessThanOrEqual(3);
    } finally {
      await store.close();
    }
  });
});
