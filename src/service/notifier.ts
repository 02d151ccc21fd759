import type { ApproverStats } from '../domain/approver-stats.js';
import { flaggedDigest, type Notification, notificationFor } from '../domain/notification.js';
import type { Proposal } from '../domain/proposal.js';
import type { Policy } from '../policy/policy-config.js';
import type { WebhookTarget } from '../policy/notification-config.js';
import type { AuditLogReader } from '../store/audit-log-store.js';
import type { ChangeFeed } from '../store/change-feed.js';
import type { DeliveryQueue, NewDelivery } from '../store/delivery-queue.js';
import type { ProposalReader } from '../store/proposal-store.js';
import { jsonBody, slackBody } from './webhook-messages.js';
import { createWebhookSender, LEASE_MS } from './webhook-sender.js';

export interface NotifierDeps {
  store: ProposalReader & AuditLogReader & DeliveryQueue & ChangeFeed;
  /** The rubber-stamp review, over the policy's window. */
  approverReport: () => Promise<{ approvers: ApproverStats[] }>;
  policy: Policy;
  targets: WebhookTarget[];
  clock: () => number;
  /** Where links in messages point: the UI as people reach it. */
  publicUrl: string;
  report: (line: string) => void;
  /** How often the log is read even without a change signal (changes from other replicas, missed signals). */
  pollMs?: number;
}

const PAGE = 500;
const BATCH_MS = 25;
/** Older events are not announced on catching up (say, webhooks turned back on): the news is stale. */
const STALE_MS = 3_600_000;

/**
 * Turns the audit log into webhook deliveries. It reads the log after each
 * committed change (never inside one), so a slow or dead receiver can never
 * hold up a decision; every replica may read, and each notification is queued
 * once because its delivery id is the same everywhere.
 */
export function startNotifier({ store, approverReport, policy, targets, clock, publicUrl, report, pollMs = 5000 }: NotifierDeps) {
  const sender = createWebhookSender({ store, targets, retry: policy.notifications.retry, clock, report });
  const base = publicUrl.replace(/\/+$/, '');
  let cursor: number | undefined;
  let digestPeriod: number | undefined;
  let running: Promise<void> | undefined;
  let again = false;

  const link = (n: Notification) => (n.proposal ? `${base}/proposals/${encodeURIComponent(n.proposal.id)}` : `${base}/reports`);

  function deliveriesFor(n: Notification): NewDelivery[] {
    return targets
      .filter((t) => t.events.has(n.type))
      .map((t): NewDelivery => ({
        id: `${t.name}/${n.key}`,
        webhook: t.name,
        event_type: n.type,
        proposal_id: n.proposal?.id ?? null,
        seq: n.seq,
        body: t.format === 'slack' ? slackBody(n, link(n)) : jsonBody(n, link(n)),
        created_at: new Date(clock()).toISOString(),
        next_attempt_at: clock(),
        lease_until: 0,
      }));
  }

  /**
   * Queues deliveries, holding as many as the sender has room for so they go
   * out at once; the rest wait for a lease. Only what this replica queued is
   * its to send: another replica may have queued the same notification first.
   */
  async function queue(deliveries: NewDelivery[]): Promise<void> {
    const room = sender.room();
    const now = clock();
    const held = deliveries.map((d, i) => (i < room ? { ...d, lease_until: now + LEASE_MS } : d));
    const mine = new Set(await store.enqueueDeliveries(held));
    sender.send(
      held
        .filter((d) => d.lease_until > 0 && mine.has(d.id))
        .map(({ lease_until: _l, ...d }) => ({ ...d, status: 'pending' as const, attempts: 0, last_error: null, delivered_at: null })),
    );
  }

  /** Queues what the log's new events call for, a page at a time. */
  async function readLog(): Promise<void> {
    // Resume after the last event anything was queued for; a first start begins at the present.
    cursor ??= (await store.notifiedThroughSeq()) || (await store.auditTreeSize());
    for (;;) {
      const events = await store.auditEventsAfter(cursor, PAGE);
      if (events.length === 0) return;
      const ids = [...new Set(events.map((e) => e.proposal_id).filter((id): id is string => id !== null))];
      const proposals = new Map<string, Proposal | undefined>(await Promise.all(ids.map(async (id) => [id, await store.getProposal(id)] as const)));
      const fresh = clock() - STALE_MS;
      const queued = events.flatMap((e) => {
        const n = e.proposal_id && Date.parse(e.at) >= fresh ? notificationFor(e, proposals.get(e.proposal_id)) : undefined;
        return n ? deliveriesFor(n) : [];
      });
      await queue(queued);
      cursor = events[events.length - 1]!.seq;
      if (events.length < PAGE) return;
    }
  }

  /** Once per period, the flagged approvers (skipped when nobody is flagged). */
  async function digest(): Promise<void> {
    const every = policy.notifications.rubber_stamp_every_ms;
    const period = Math.floor(clock() / every);
    if (period === digestPeriod) return;
    const n = flaggedDigest((await approverReport()).approvers, period * every);
    if (n) await queue(deliveriesFor(n));
    digestPeriod = period;
  }

  function run(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await readLog();
        await digest();
      } while (again);
    })()
      .catch((error: unknown) => report(`Notifications: ${(error as Error).message}`))
      .finally(() => (running = undefined));
    return running;
  }

  // A short pause after a change lets a burst of commits be read and queued together.
  let soon: NodeJS.Timeout | undefined;
  const schedule = () => {
    soon ??= setTimeout(() => {
      soon = undefined;
      void run();
    }, BATCH_MS);
  };
  const unsubscribe = store.onProposalChange(schedule);
  const timer = setInterval(() => void run(), pollMs);
  timer.unref();
  const stopSender = sender.start();
  const started = run();

  return {
    /** Resolves when the log has been read up to now (for tests and shutdown). */
    settled: async () => {
      await started;
      await run();
    },
    async stop() {
      unsubscribe();
      clearTimeout(soon);
      clearInterval(timer);
      await running;
      await stopSender();
    },
  };
}
