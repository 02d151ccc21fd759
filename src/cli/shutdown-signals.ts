/** How long requests in flight may take to finish once a stop is asked for. */
const GRACE_MS = 10_000;
// Not SIGHUP: `nohup countersign serve` must outlive the terminal it was started from.
const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Stops the server gracefully on SIGTERM or SIGINT: waiting
 * long-polls get their answer, requests in flight finish (for at most 10 s),
 * the store closes, and the process exits 0. A second signal exits at once.
 * Every step is said, so the log shows why and when the server went away.
 */
export function stopOnSignals(stop: () => Promise<void>, say: (line: string) => void): void {
  let stopping = false;
  const shutDown = (why: string) => {
    if (stopping) {
      say(`Countersign: ${why} again; stopping at once`);
      process.exit(1);
    }
    stopping = true;
    say(`Countersign stopping (${why}): answering waiting long-polls, finishing requests in flight`);
    const deadline = setTimeout(() => {
      say(`Countersign: requests still open after ${GRACE_MS / 1000} s; stopping anyway`);
      process.exit(1);
    }, GRACE_MS);
    deadline.unref();
    stop().then(
      () => {
        say('Countersign stopped');
        process.exit(0);
      },
      (error: unknown) => {
        say(`Countersign stopped with an error: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  for (const signal of SIGNALS) process.on(signal, () => shutDown(signal));
  if (process.env.npm_lifecycle_event) stopWithParent(shutDown);
}

/**
 * Under `npm start` the server runs below npm's shell, which dies when npm is
 * told to stop without passing the signal on: the server would outlive the
 * command that started it. So there, the shell going away is a stop too.
 */
function stopWithParent(shutDown: (why: string) => void): void {
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(watch);
    shutDown(`its parent process ${parent} is gone`);
  }, 500);
  watch.unref();
}
