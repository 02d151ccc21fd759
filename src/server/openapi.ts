import { z } from 'zod';
import { PROBLEM_CODES } from '../contract/problem-codes.js';
import { newIdentitySchema } from '../domain/identity.js';
import { signedDecisionBodyDocSchema } from '../domain/decision-signature.js';
import { claimBodySchema, outcomeBodySchema, proposalInputSchema } from '../domain/proposal-schema.js';
import { registerKeyBodySchema, revokeKeyBodySchema } from '../domain/signing-key.js';

const problem = { description: 'RFC 9457 problem', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
const json = (schema: object, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
const body = (name: string) => ({ required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } } });
const proposal = { $ref: '#/components/schemas/Proposal' };
const idParam = [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }];
const refusals = { 400: problem, 401: problem, 403: problem, 404: problem, 409: problem };

let cached: object | undefined;

/** The OpenAPI 3.1 document, generated from the same schemas that validate requests. */
export function openApiDocument(): object {
  cached ??= {
    openapi: '3.1.0',
    info: { title: 'Countersign', version: '0.1.0', description: 'A two-person approval gate between AI agents and irreversible actions.' },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        ProposalInput: z.toJSONSchema(proposalInputSchema, { io: 'input', unrepresentable: 'any' }),
        DecisionBody: z.toJSONSchema(signedDecisionBodyDocSchema, { io: 'input' }),
        NewKey: z.toJSONSchema(registerKeyBodySchema, { io: 'input' }),
        KeyRevocation: z.toJSONSchema(revokeKeyBodySchema, { io: 'input' }),
        Key: { type: 'object', required: ['key_id', 'identity', 'kind', 'public_key', 'created_at', 'revoked_at'] },
        ClaimBody: z.toJSONSchema(claimBodySchema, { io: 'input' }),
        OutcomeBody: z.toJSONSchema(outcomeBodySchema, { io: 'input' }),
        NewIdentity: z.toJSONSchema(newIdentitySchema, { io: 'input' }),
        Proposal: { type: 'object', required: ['id', 'status', 'action', 'action_hash', 'risk', 'required_approvals', 'approvals', 'execution'] },
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'detail', 'code'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            code: { type: 'string', enum: Object.keys(PROBLEM_CODES) },
            errors: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
            instance: { type: 'string' },
            request_id: { type: 'string', description: 'On a 500: the id the failure is logged under' },
          },
        },
      },
    },
    security: [{ bearer: [] }],
    paths: {
      '/v1/proposals': {
        post: {
          summary: 'Propose an action',
          parameters: [{
            name: 'Idempotency-Key',
            in: 'header',
            description: 'The proposer\'s name for this proposal (1-255 visible ASCII): the same key and body again returns the first proposal; the key with another body is a 409',
            schema: { type: 'string', minLength: 1, maxLength: 255 },
          }],
          requestBody: body('ProposalInput'),
          responses: { 201: json(proposal, 'Created (or, for a repeated Idempotency-Key, the proposal made the first time)'), ...refusals },
        },
        get: {
          summary: 'List the queue',
          parameters: [{ name: 'status', in: 'query', schema: { enum: ['pending', 'approved', 'rejected', 'expired'] } }],
          responses: { 200: json({ type: 'object', properties: { items: { type: 'array', items: proposal } } }), 400: problem, 401: problem },
        },
      },
      '/v1/proposals/{id}': { get: { summary: 'One proposal', parameters: idParam, responses: { 200: json(proposal), 401: problem, 404: problem } } },
      '/v1/proposals/{id}/decision': {
        get: {
          summary: 'Long-poll until the proposal is decided or the wait ends',
          parameters: [...idParam, { name: 'wait', in: 'query', schema: { type: 'number', minimum: 0, maximum: 300 } }],
          responses: { 200: json(proposal), 400: problem, 401: problem, 404: problem },
        },
      },
      '/v1/proposals/{id}/approvals': { post: { summary: 'Approve one proposal', parameters: idParam, requestBody: body('DecisionBody'), responses: { 201: json(proposal), ...refusals } } },
      '/v1/proposals/{id}/rejections': { post: { summary: 'Reject one proposal', parameters: idParam, requestBody: body('DecisionBody'), responses: { 201: json(proposal), ...refusals } } },
      '/v1/proposals/{id}/execution': {
        post: { summary: 'Claim the approved action, once', parameters: idParam, requestBody: body('ClaimBody'), responses: { 200: json({ type: 'object', properties: { grant: { type: 'object' } } }), ...refusals } },
      },
      '/v1/proposals/{id}/execution/result': { post: { summary: 'Record the outcome', parameters: idParam, requestBody: body('OutcomeBody'), responses: { 200: json(proposal), ...refusals } } },
      '/v1/audit/proposals/{id}': { get: { summary: 'The audit chain of one proposal: events, an RFC 9162 inclusion proof for each, the signed checkpoint they lead to, and the public key', parameters: idParam, responses: { 200: json({ type: 'object', required: ['events'], properties: { events: { type: 'array' }, proofs: { type: 'array' }, checkpoint: { type: ['object', 'null'] }, public_key: { type: 'string' } } }), 401: problem, 403: problem, 404: problem } } },
      '/v1/identities': {
        post: { summary: 'Add an identity (admin); its token is in the answer, shown once', requestBody: body('NewIdentity'), responses: { 201: json({ type: 'object' }, 'Created'), 400: problem, 401: problem, 403: problem, 409: problem } },
      },
      '/v1/keys': {
        post: { summary: 'Register a public key (Ed25519) that signs your decisions; an audit event carries it', requestBody: body('NewKey'), responses: { 201: json({ $ref: '#/components/schemas/Key' }, 'Created'), 400: problem, 401: problem, 409: problem } },
        get: {
          summary: "Your keys (an admin may name another identity's)",
          parameters: [{ name: 'identity', in: 'query', schema: { type: 'string' } }],
          responses: { 200: json({ type: 'object', properties: { identity: { type: 'string' }, items: { type: 'array', items: { $ref: '#/components/schemas/Key' } } } }), 401: problem, 403: problem },
        },
      },
      '/v1/keys/{key_id}': { get: { summary: 'One of your keys', parameters: [{ name: 'key_id', in: 'path', required: true, schema: { type: 'string' } }], responses: { 200: json({ $ref: '#/components/schemas/Key' }), 401: problem, 404: problem } } },
      '/v1/keys/{key_id}/revocation': {
        post: { summary: 'Revoke a key at once (yours, or any as admin); an audit event records it', parameters: [{ name: 'key_id', in: 'path', required: true, schema: { type: 'string' } }], requestBody: { required: false, content: body('KeyRevocation').content }, responses: { 200: json({ $ref: '#/components/schemas/Key' }), 400: problem, 401: problem, 404: problem, 409: problem } },
      },
      '/v1/audit/verify': { get: { summary: 'Verify the whole audit log', responses: { 200: json({ type: 'object' }), 401: problem, 403: problem } } },
      '/v1/reports/approvers': {
        get: {
          summary: "Per-approver statistics and rubber-stamp flags over a window (default: the policy's rubber_stamp.window back from now)",
          parameters: [
            { name: 'from', in: 'query', description: 'a date (whole UTC day) or an ISO time', schema: { type: 'string' } },
            { name: 'to', in: 'query', description: 'a date (whole UTC day, included) or an ISO time', schema: { type: 'string' } },
          ],
          responses: { 200: json({ type: 'object' }), 400: problem, 401: problem, 403: problem },
        },
      },
      '/v1/reports/expired': { get: { summary: 'Expired proposals for team review: grouped, with viewers and who was notified', responses: { 200: json({ type: 'object' }), 401: problem, 403: problem } } },
      '/v1/notifications/deliveries': {
        get: {
          summary: 'Webhook deliveries, newest first, with attempts and results',
          parameters: [
            { name: 'status', in: 'query', schema: { type: 'string', enum: ['pending', 'delivered', 'failed'] } },
            { name: 'proposal_id', in: 'query', schema: { type: 'string' } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
          ],
          responses: { 200: json({ type: 'object' }), 400: problem, 401: problem, 403: problem },
        },
      },
      '/healthz': { get: { summary: 'Liveness', security: [], responses: { 200: json({ type: 'object' }) } } },
      '/readyz': { get: { summary: 'Readiness: the store answers', security: [], responses: { 200: json({ type: 'object' }), 503: json({ type: 'object' }) } } },
    },
  };
  return cached;
}
