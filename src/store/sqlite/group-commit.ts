import type Database from 'better-sqlite3';

interface Job {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  result?: { ok: true; value: unknown } | { ok: false; error: unknown };
}

/**
 * Group commit: writes queued in the same turn of the event loop share one
 * durable transaction (one fsync), each inside its own savepoint so a failing
 * write rolls back alone. Nobody hears "done" before the shared commit is on
 * disk. Writes still run one after another, so each sees the one before it.
 */
export function createGroupCommitter(db: Database.Database) {
  let queue: Job[] = [];

  const runBatch = db.transaction((jobs: Job[]) => {
    for (const job of jobs) {
      try {
        job.result = { ok: true, value: db.transaction(job.work)() };
      } catch (error) {
        job.result = { ok: false, error };
      }
    }
  });

  function flush(): void {
    const jobs = queue;
    queue = [];
    try {
      runBatch.immediate(jobs);
    } catch (error) {
      for (const job of jobs) job.reject(error);
      return;
    }
    for (const job of jobs) {
      const result = job.result!;
      if (result.ok) job.resolve(result.value);
      else job.reject(result.error);
    }
  }

  return function commit<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (queue.length === 0) setImmediate(flush);
      queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
    });
  };
}
