import { EventEmitter } from 'node:events';
import pg, { type Pool } from 'pg';

export interface ChangeListener {
  on(listener: (id: string) => void): () => void;
  close(): Promise<void>;
}

const RECONNECT_MS = 500;

/**
 * Listens for committed proposal changes from every replica on one dedicated
 * connection (LISTEN cannot share a pooled one). Payloads are "<seq> <id>".
 * If the connection drops, it reconnects and replays the proposals touched by
 * events it may have missed, so no waiter sleeps through a decision.
 */
export async function listenForChanges(config: pg.ClientConfig, pool: Pool, channel: string): Promise<ChangeListener> {
  const emitter = new EventEmitter().setMaxListeners(0);
  let seen = 0;
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const headSeq = async () => (await pool.query<{ seq: number }>('SELECT seq FROM audit_head')).rows[0]!.seq;

  async function connect(): Promise<void> {
    const next = new pg.Client(config);
    next.on('notification', ({ payload }) => {
      const space = payload?.indexOf(' ') ?? -1;
      if (space < 0) return;
      seen = Math.max(seen, Number(payload!.slice(0, space)));
      emitter.emit('change', payload!.slice(space + 1));
    });
    next.on('error', () => onLost(next));
    next.on('end', () => onLost(next));
    await next.connect();
    await next.query(`LISTEN ${next.escapeIdentifier(channel)}`);
    if (closed) return void (await next.end());
    client = next;
  }

  async function replayMissed(): Promise<void> {
    const { rows } = await pool.query<{ proposal_id: string; seq: number }>(
      'SELECT proposal_id, max(seq) AS seq FROM audit_events WHERE seq > $1 AND proposal_id IS NOT NULL GROUP BY proposal_id',
      [seen],
    );
    for (const row of rows) {
      seen = Math.max(seen, row.seq);
      emitter.emit('change', row.proposal_id);
    }
  }

  function onLost(lost: pg.Client): void {
    if (closed || client !== lost) return;
    client = undefined;
    lost.end().catch(() => {});
    scheduleReconnect();
  }

  function scheduleReconnect(): void {
    retry = setTimeout(async () => {
      if (closed) return;
      try {
        await connect();
        await replayMissed();
      } catch {
        const failed = client;
        client = undefined;
        failed?.end().catch(() => {});
        scheduleReconnect();
      }
    }, RECONNECT_MS);
  }

  await connect();
  seen = Math.max(seen, await headSeq());

  return {
    on(listener) {
      emitter.on('change', listener);
      return () => emitter.off('change', listener);
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => {});
    },
  };
}
