import type { FastifyInstance } from 'fastify';
import type { Policy } from '../policy/policy-config.js';
import { type ApprovalService, createApprovalService } from '../service/approval-service.js';
import { createIdentityService } from '../service/identity-service.js';
import { startSweeper } from '../service/sweeper.js';
import { createCheckpointer } from '../service/checkpointer.js';
import { checkpointPusher } from '../service/checkpoint-push.js';
import { recordPolicy } from '../service/policy-audit.js';
import { startNotifier } from '../service/notifier.js';
import { resolveWebhooks } from '../policy/notification-config.js';
import { defaultKeyFile, deriveKey, loadOrCreateSigner } from '../audit/checkpoint-key-file.js';
import { openStore, type StoreLocation } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { connectOidc, type OidcOptions } from '../ui/oidc-connect.js';
import { buildApp } from './app.js';

export interface ServeOptions {
  store: StoreLocation;
  host: string;
  port: number;
  policy: Policy;
  clock?: () => number;
  /** The checkpoint signing key file (created on first start); default beside the database. */
  checkpointKeyFile?: string;
  /** Where the policy came from, for its audit event. */
  policyOrigin?: string;
  /** An external witness that receives every new signed checkpoint (POST, text/plain). */
  checkpointWebhook?: string;
  /** How often a checkpoint is signed while the log grows (at most a minute). */
  checkpointIntervalMs?: number;
  /** Where start-up messages and notifications go (stdout for the CLI). */
  say: (line: string) => void;
  /** Where unexpected failures are logged with their request ids (default stderr). */
  errorLog?: NodeJS.WritableStream;
  /** Where webhook URLs and signing keys named in the policy are read (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** People sign in to the UI through this OpenID Provider (its configuration is read before anything starts). */
  oidc?: OidcOptions;
  /** False turns off the token sign-in form for people. */
  tokenSignIn?: boolean;
}

export interface RunningServer {
  app: FastifyInstance;
  store: Store;
  approvals: ApprovalService;
  url: string;
  /** Resolves once the audit log has been read for notifications up to now. */
  notificationsSettled(): Promise<void>;
  close(): Promise<void>;
}

/** Opens the store, creates `admin` on first start, starts the sweeper and listens. */
export async function serve(options: ServeOptions): Promise<RunningServer> {
  const { store: location, host, port, policy, clock = Date.now, say, checkpointIntervalMs = 30_000 } = options;
  // Refuse to start with a webhook whose URL or key is missing, before touching anything.
  const webhooks = resolveWebhooks(policy.notifications, options.env ?? process.env);
  const oidc = options.oidc && (await connectOidc(options.oidc));
  const keyFile = options.checkpointKeyFile ?? defaultKeyFile(location);
  const { signer, created } = loadOrCreateSigner(keyFile);
  if (created) say(`Created the checkpoint signing key ${keyFile} (keep it outside the database's backups). Public key:\n${signer.text}`);
  const store = await openStore(location);
  const onSigned = options.checkpointWebhook ? checkpointPusher({ url: options.checkpointWebhook, report: say }) : undefined;
  const checkpoints = createCheckpointer({ store, signer, clock, onSigned, onError: (error) => say(`Checkpoint not stored: ${(error as Error).message}`) });
  const changes = await recordPolicy(store, policy, options.policyOrigin ?? 'defaults', clock);
  if (changes) say(`Policy recorded in the audit log: ${changes.join('; ')}`);
  const identities = createIdentityService({ store, clock });
  const approvals = createApprovalService({ store, policy, clock, checkpoints });

  const admin = await identities.bootstrapAdmin();
  if (admin) say(`Created identity "admin" (roles: ${admin.identity.roles.join(', ')}). Its token, shown only this once:\n${admin.token}`);

  const sweeper = startSweeper(
    approvals,
    policy.sweep_interval_ms,
    (ids) => say(`Expired ${ids.length} proposal(s) for team review (never retried): ${ids.join(', ')}`),
    (error) => say(`Sweeper error: ${(error as Error).message}`),
  );
  const stopCheckpoints = checkpoints.start(Math.min(checkpointIntervalMs, 60_000), (error) => say(`Checkpoint error: ${(error as Error).message}`));
  const sessionKey = deriveKey(keyFile, 'ui session v1');
  const app = buildApp({ store, approvals, identities, clock, checkpoints, verifier: signer, sessionKey, publicUrl: policy.notifications.public_url, errorLog: options.errorLog ?? process.stderr, oidc, tokenSignIn: options.tokenSignIn });
  await app.listen({ host, port });
  const address = app.server.address();
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${typeof address === 'object' && address ? address.port : port}`;
  if (oidc && !oidc.publicUrl) oidc.publicUrl = url;
  const notifier = webhooks.length === 0 ? undefined : startNotifier({
    store, approverReport: () => approvals.approverReport(), policy, targets: webhooks, clock, publicUrl: policy.notifications.public_url ?? url, report: say,
  });
  if (notifier) say(`Notifying ${webhooks.map((w) => `${w.name} (${w.format})`).join(', ')}`);
  return {
    app,
    store,
    approvals,
    url,
    notificationsSettled: async () => notifier?.settled(),
    async close() {
      sweeper.stop();
      stopCheckpoints();
      // Waiting long-polls get their answer (the proposal as it is) rather than a cut connection.
      approvals.releaseWaiters();
      await notifier?.stop();
      await checkpoints.stored();
      await app.close();
      approvals.close();
      await store.close();
    },
  };
}
