import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdentityService } from '../../src/service/identity-service.js';
import { openPostgresStore } from '../../src/store/postgres/pg-store.js';
import type { Store } from '../../src/store/store.js';
import { createWebhookVerifier, WEBHOOK_HEADERS } from '../../src/sdk/index.js';
import { dropTableProposal } from '../support/harness.js';
import { freshDatabase, needsPostgres, TEST_PG_URL } from '../support/postgres.js';
import { freePort, policyFile, type Replica, startReplica } from '../support/serve-process.js';
import { startWebhookReceiver } from '../support/webhook-receiver.js';
import { call, inParallel } from './race-client.js';

const PROPOSALS = 20;

/**
 * Two replicas read the same log and both may deliver: each notification
 * must still reach the receiver once (plus its retries), never twice.
 */
describe.skipIf(!TEST_PG_URL)(needsPostgres('webhook notifications from two PostgreSQL replicas'), () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let store: Store;
  let replicas: Replica[];
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  const tokens: Record<string, string> = {};
  const attemptsSeen = new Map<string, number>();

  beforeAll(async () => {
    // Every delivery's first attempt is refused with 503, so each is retried once, by either replica.
    receiver = await startWebhookReceiver((r) => {
      const id = String(r.headers[WEBHOOK_HEADERS.delivery]);
      attemptsSeen.set(id, (attemptsSeen.get(id) ?? 0) + 1);
      return attemptsSeen.get(id) === 1 ? 503 : 200;
    });
    db = await freshDatabase(TEST_PG_URL!);
    const policy = policyFile(`notifications:
  retry: { attempts: 5, first_delay: 100ms }
  webhooks:
    - { name: team, format: json, url: "${receiver.url}/team", secret_env: HOOK_KEY }
`);
    const ports = [await freePort(), await freePort()];
    replicas = await Promise.all(ports.map((port) => startReplica({ databaseUrl: db.url, port, policy, env: { HOOK_KEY: 'replica-key' } })));
    store = await openPostgresStore({ url: db.url });
    const identities = createIdentityService({ store, clock: Date.now });
    for (const [name, roles] of [['deployer', ['proposer']], ['alice', ['approver']], ['bob', ['approver']], ['ada', ['auditor']]] as const) {
      tokens[name] = (await identities.add({ name, kind: 'human', roles: [...roles] }, 'test')).token;
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.all((replicas ?? []).map((r) => r.stop()));
    await store?.close();
    await db?.drop();
    await receiver?.close();
  });

  it('delivers each notification once although both replicas see every event', async () => {
    const [a, b] = replicas.map((r) => r.url) as [string, string];
    await inParallel(PROPOSALS, 4, async (i) => {
      const { body: p } = await call(i % 2 ? a : b, tokens.deployer!, 'POST', '/v1/proposals', dropTableProposal({ what: `change ${i}` }));
      await call(i % 2 ? b : a, tokens.alice!, 'POST', `/v1/proposals/${p.id}/approvals`, { reason: 'checked the plan' });
      await call(i % 2 ? a : b, tokens.bob!, 'POST', `/v1/proposals/${p.id}/approvals`, { reason: 'checked the backup' });
    });

    const expected = PROPOSALS * 4; // created, two approvals recorded, approved
    await expect.poll(async () => (await store.listDeliveries({ status: 'delivered', limit: 1000 })).length, { timeout: 20_000, interval: 200 }).toBe(expected);
    const deliveries = await store.listDeliveries({ limit: 1000 });
    expect(deliveries).toHaveLength(expected);
    expect(deliveries.every((d) => d.status === 'delivered' && d.attempts === 2)).toBe(true);

    // At the receiver: exactly two requests per delivery (the refused one and its retry), all signed.
    expect(attemptsSeen.size).toBe(expected);
    expect([...attemptsSeen.values()].every((n) => n === 2)).toBe(true);
    const verifier = createWebhookVerifier({ secret: 'replica-key' });
    const accepted = receiver.received.filter((r) => verifier.verify(r.headers, r.body).ok);
    expect(accepted).toHaveLength(expected * 2);
    const types = receiver.received.map((r) => JSON.parse(r.body).type as string);
    expect(types.filter((t) => t === 'proposal.approved')).toHaveLength(PROPOSALS * 2);
  }, 60_000);
});
