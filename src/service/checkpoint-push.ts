import type { StoredCheckpoint } from '../store/store.js';
import { post } from './http-post.js';

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
        const headers = { 'content-type': 'text/plain; charset=utf-8', 'x-countersign-tree-size': String(checkpoint.tree_size) };
        const response = await post(url, headers, checkpoint.note, AbortSignal.timeout(10_000));
        if (response.status >= 200 && response.status < 300) return true;
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
