import type { StoredCheckpoint } from '../store/store.js';

export interface PushOptions {
  url: string;
  /** Where delivery results go (stdout for the server). */
  report: (line: string) => void;
  attempts?: number;
  firstDelayMs?: number;
}

/**
 * Sends each new signed checkpoint to an external witness as `text/plain`
 * (the signed note itself), retrying with exponential backoff. It never
 * blocks signing or a claim: delivery runs on its own.
 */
export function checkpointPusher({ url, report, attempts = 5, firstDelayMs = 500 }: PushOptions) {
  async function deliver(checkpoint: StoredCheckpoint): Promise<boolean> {
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'text/plain; charset=utf-8', 'x-countersign-tree-size': String(checkpoint.tree_size) },
          body: checkpoint.note,
          signal: AbortSignal.timeout(10_000),
        });
        if (response.ok) return true;
        report(`Checkpoint ${checkpoint.tree_size} to witness: HTTP ${response.status} (attempt ${attempt}/${attempts})`);
      } catch (error) {
        report(`Checkpoint ${checkpoint.tree_size} to witness: ${(error as Error).message} (attempt ${attempt}/${attempts})`);
      }
      if (attempt < attempts) await new Promise((r) => setTimeout(r, firstDelayMs * 2 ** (attempt - 1)).unref());
    }
    return false;
  }
  return (checkpoint: StoredCheckpoint): void => void deliver(checkpoint);
}
