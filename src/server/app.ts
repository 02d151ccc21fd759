import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { VerifyResult } from '../contract/audit-types.js';
import { PROPOSAL_STATUSES, type ProposalStatus } from '../contract/proposal-types.js';
import { forbidden, invalidInput, notFound } from '../domain/errors.js';
import { hasAnyRole, type Identity, newIdentitySchema, type Role } from '../domain/identity.js';
import { INPUT_LIMITS } from '../domain/input-limits.js';
import { parseInput } from '../domain/proposal-schema.js';
import { INSTANT_HINT, parseInstant } from '../domain/period.js';
import { type ApprovalService, MAX_WAIT_SECONDS } from '../service/approval-service.js';
import type { NoteVerifier } from '../audit/note-key.js';
import { proveChain } from '../service/audit-proofs.js';
import { verifyLog } from '../service/audit-service.js';
import type { Checkpointer } from '../service/checkpointer.js';
import type { IdentityService } from '../service/identity-service.js';
import { createKeyService } from '../service/key-service.js';
import type { Store } from '../store/store.js';
import type { OidcConnection } from '../ui/oidc-connect.js';
import { uiPlugin } from '../ui/ui-plugin.js';
import { relyingPartyOf } from './relying-party.js';
import { keyRoutes } from './key-routes.js';
import { openApiDocument } from './openapi.js';
import { handleError, logUnexpected } from './problem.js';
import { refuseMalformedUrlText } from './url-text.js';

declare module 'fastify' {
  interface FastifyRequest {
    identity: Identity;
  }
}

export interface AppDeps {
  store: Store;
  approvals: ApprovalService;
  identities: IdentityService;
  /** Where unexpected failures are logged, one JSON line each with its request id (`reqId`); unlogged without. */
  errorLog?: NodeJS.WritableStream;
  clock?: () => number;
  /** With both, audit answers carry signed checkpoints and proofs. */
  checkpoints?: Pick<Checkpointer, 'coverNow'>;
  verifier?: NoteVerifier;
  /** Signs UI session cookies (see ui/session.ts). */
  sessionKey?: Buffer;
  /** The server's public URL, which passkeys are bound to (else each request's own origin). */
  publicUrl?: string;
  /** People sign in to the UI through this OpenID Provider; `tokenSignIn: false` turns off the token form. */
  oidc?: OidcConnection;
  tokenSignIn?: boolean;
}

const AUDIT_ROLES: Role[] = ['auditor', 'admin'];

function requireRole(identity: Identity, roles: Role[]): void {
  if (!hasAnyRole(identity, roles)) throw forbidden('role_required', `This needs one of the roles: ${roles.join(', ')}.`);
}

function statusQuery(value: unknown): ProposalStatus | undefined {
  if (value === undefined || value === '') return undefined;
  if ((PROPOSAL_STATUSES as readonly unknown[]).includes(value)) return value as ProposalStatus;
  throw invalidInput([{ field: 'status', message: `must be one of: ${PROPOSAL_STATUSES.join(', ')}` }]);
}

function waitQuery(value: unknown): number {
  if (value === undefined || value === '') return 0;
  const seconds = Number(value);
  if (typeof value !== 'string' || !Number.isFinite(seconds) || seconds < 0 || seconds > MAX_WAIT_SECONDS) {
    throw invalidInput([{ field: 'wait', message: `must be a number of seconds from 0 to ${MAX_WAIT_SECONDS}; ask again to wait longer` }]);
  }
  return seconds;
}

const deliveryQuerySchema = z.strictObject({
  status: z.enum(['pending', 'delivered', 'failed'], 'must be one of: pending, delivered, failed').optional(),
  proposal_id: z.string().min(1).max(200).optional(),
  limit: z.coerce.number('must be a whole number from 1 to 1000').int('must be a whole number from 1 to 1000').min(1, 'must be a whole number from 1 to 1000').max(1000, 'must be a whole number from 1 to 1000').default(100),
});

/** `from`/`to` of a report: a date (whole UTC day) or an ISO instant. */
function instantQuery(field: string, value: unknown, end: boolean): string | undefined {
  if (value === undefined || value === '') return undefined;
  const instant = typeof value === 'string' ? parseInstant(value, end) : undefined;
  if (!instant) throw invalidInput([{ field, message: INSTANT_HINT }]);
  return instant;
}

/** An agent's own name for one proposal, so a resend after a lost answer proposes nothing new. */
function idempotencyKey(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(value)) {
    throw invalidInput([{ field: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters, such as a UUID' }]);
  }
  return value;
}

const bearer = (request: FastifyRequest) => /^Bearer (\S+)$/i.exec(request.headers.authorization ?? '')?.[1];

/** The HTTP API (contract §4). Only this layer knows HTTP. */
export function buildApp({ store, approvals, identities, errorLog, clock = Date.now, checkpoints, verifier, sessionKey, publicUrl, oidc, tokenSignIn }: AppDeps): FastifyInstance {
  const app = Fastify({
    logger: errorLog ? { level: 'error', stream: errorLog } : false,
    // Unique across replicas and restarts, so an id quoted from a 500 finds its one log line.
    genReqId: () => randomUUID(),
    bodyLimit: INPUT_LIMITS.bodyBytes,
    return503OnClosing: true,
  });
  app.decorateRequest('identity', null as unknown as Identity);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => handleError(notFound(`The route ${request.method} ${request.url.split('?')[0]}`), request, reply));
  app.addHook('preValidation', refuseMalformedUrlText);

  app.get('/healthz', async () => ({ ok: true }));
  // Readiness, beside liveness: a replica whose store does not answer should get no traffic,
  // but is not restarted for it. One indexed read; the failure is logged, not shown.
  app.get('/readyz', async (request, reply) => {
    try {
      await store.listProposals({ status: 'pending', limit: 1 });
      return { ok: true };
    } catch (error) {
      logUnexpected(request, error);
      return reply.code(503).send({ ok: false, detail: 'The store does not answer; see the server log.' });
    }
  });
  app.get('/openapi.json', async () => openApiDocument());

  app.register(async (v1) => {
    v1.addHook('onRequest', async (request) => {
      request.identity = await identities.authenticate(bearer(request));
    });

    v1.post('/proposals', async (request, reply) => {
      const { proposal, replayed } = await approvals.propose(request.identity, request.body, idempotencyKey(request.headers['idempotency-key']));
      if (replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(201).send(proposal);
    });
    v1.get('/proposals', async (request) => {
      const { status } = request.query as Record<string, unknown>;
      return { items: await approvals.list(statusQuery(status)) };
    });
    v1.get<{ Params: { id: string } }>('/proposals/:id', async (request) => approvals.get(request.params.id, request.identity));
    v1.get<{ Params: { id: string } }>('/proposals/:id/decision', async (request) => {
      const seconds = waitQuery((request.query as Record<string, unknown>).wait);
      const abort = new AbortController();
      request.raw.once('close', () => abort.abort());
      return approvals.waitForDecision(request.params.id, seconds, abort.signal);
    });
    v1.post<{ Params: { id: string } }>('/proposals/:id/approvals', async (request, reply) =>
      reply.code(201).send(await approvals.approve(request.params.id, request.identity, request.body, relyingPartyOf(request, publicUrl))),
    );
    v1.post<{ Params: { id: string } }>('/proposals/:id/rejections', async (request, reply) =>
      reply.code(201).send(await approvals.reject(request.params.id, request.identity, request.body, relyingPartyOf(request, publicUrl))),
    );
    v1.post<{ Params: { id: string } }>('/proposals/:id/execution', async (request) => ({
      grant: await approvals.claimExecution(request.params.id, request.identity, request.body),
    }));
    v1.post<{ Params: { id: string } }>('/proposals/:id/execution/result', async (request) =>
      approvals.recordOutcome(request.params.id, request.identity, request.body),
    );

    v1.get<{ Params: { id: string } }>('/audit/proposals/:id', async (request) => {
      const events = await store.auditEventsFor(request.params.id);
      if (events.length === 0) throw notFound(`Proposal "${request.params.id}"`);
      requireRole(request.identity, AUDIT_ROLES);
      if (!checkpoints) return { events };
      // Signed after the events were read, so it covers every one of them.
      const chain = await proveChain(store, events, await checkpoints.coverNow());
      return verifier ? { ...chain, public_key: verifier.text } : chain;
    });
    v1.post('/identities', async (request, reply) => {
      const input = parseInput(newIdentitySchema, request.body);
      requireRole(request.identity, ['admin']);
      const { identity, token } = await identities.add(input, request.identity.name);
      return reply.code(201).send({ ...identity, token });
    });
    keyRoutes(v1, createKeyService({ keys: store, clock }));

    v1.get('/audit/verify', async (request): Promise<VerifyResult> => {
      requireRole(request.identity, AUDIT_ROLES);
      return verifyLog(store, { verifier });
    });
    v1.get('/reports/approvers', async (request) => {
      const { from, to } = request.query as Record<string, unknown>;
      const range = { from: instantQuery('from', from, false), to: instantQuery('to', to, true) };
      requireRole(request.identity, AUDIT_ROLES);
      return approvals.approverReport(range);
    });
    v1.get('/reports/expired', async (request) => {
      requireRole(request.identity, AUDIT_ROLES);
      return approvals.expiredReport();
    });
    v1.get('/notifications/deliveries', async (request) => {
      const query = parseInput(deliveryQuerySchema, request.query);
      requireRole(request.identity, AUDIT_ROLES);
      return approvals.deliveries({ status: query.status, proposalId: query.proposal_id, limit: query.limit });
    });
  }, { prefix: '/v1' });

  app.register(uiPlugin, { store, approvals, identities, clock, verifier, sessionKey, publicUrl, oidc, tokenSignIn });

  return app;
}

