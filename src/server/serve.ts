import type { FastifyInstance } from 'fastify';
import type { Policy } from '../policy/policy-config.js';
import { type ApprovalService, createApprovalService } from '../service/approval-service.js';
import { createIdentityService } from '../service/identity-service.js';
import { startSweeper } from '../service/sweeper.js';
import { openStore, type StoreLocation } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { buildApp } from './app.js';

export interface ServeOptions {
  store: StoreLocation;
  host: string;
  port: number;
  policy: Policy;
  clock?: () => number;
  /** Where start-up messages and notifications go (stdout for the CLI). */
  say: (line: string) => void;
}

export interface RunningServer {
  app: FastifyInstance;
  store: Store;
  approvals: ApprovalService;
  url: string;
  close(): Promise<void>;
}

/** Opens the store, creates `admin` on first start, starts the sweeper and listens. */
export async function serve({ store: location, host, port, policy, clock = Date.now, say }: ServeOptions): Promise<RunningServer> {
  const store = await openStore(location);
  const identities = createIdentityService({ store, clock });
  const approvals = createApprovalService({ store, policy, clock });

  const admin = await identities.bootstrapAdmin();
  if (admin) say(`Created identity "admin" (roles: ${admin.identity.roles.join(', ')}). Its token, shown only this once:\n${admin.token}`);

  const sweeper = startSweeper(
    approvals,
    policy.sweep_interval_ms,
    (ids) => say(`Expired ${ids.length} proposal(s) for team review (never retried): ${ids.join(', ')}`),
    (error) => say(`Sweeper error: ${(error as Error).message}`),
  );
  const app = buildApp({ store, approvals, identities, clock });
  await app.listen({ host, port });
  const address = app.server.address();
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${typeof address === 'object' && address ? address.port : port}`;
  return {
    app,
    store,
    approvals,
    url,
    async close() {
      sweeper.stop();
      await app.close();
      approvals.close();
      await store.close();
    },
  };
}
