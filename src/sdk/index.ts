/**
 * Countersign for agents: propose an action, wait for two people, run exactly
 * what they approved, once.
 *
 * @example
 * import { createClient, ProposalRejected, ProposalExpired } from 'countersign/sdk';
 *
 * const countersign = createClient({ url: 'http://127.0.0.1:7420', token: process.env.COUNTERSIGN_TOKEN! });
 * try {
 *   await countersign.gate.run(
 *     {
 *       action: { type: 'sql', command: 'DROP TABLE legacy_users', target: { system: 'postgres://prod-db/app' } },
 *       what: 'Drop the legacy users table',
 *       why: 'Replaced by accounts in migration 42',
 *       blast_radius: { resources: ['prod-db/app.legacy_users'] },
 *       reversibility: { reversible: false, rollback_plan: 'restore last night\'s snapshot' },
 *       urgency: 'normal',
 *     },
 *     async (action) => db.query(action.command!),
 *   );
 * } catch (error) {
 *   if (error instanceof ProposalRejected) console.log(`${error.identity} said no: ${error.reason}`);
 *   else if (error instanceof ProposalExpired) console.log('nobody decided in time; ask again later');
 *   else throw error;
 * }
 */
export { actionHash } from '../contract/canonical-json.js';
export type { AuditEvent, AuditEventType, VerifyResult } from '../contract/audit-types.js';
export type { ErrorKind, FieldError, Problem, ProblemCode } from '../contract/problem-codes.js';
export type {
  Action,
  ActionType,
  ApproverGroup,
  Decision,
  Execution,
  ExecutionState,
  Grant,
  IdentityKind,
  Proposal,
  ProposalInput,
  ProposalStatus,
  Risk,
  RiskClass,
  Urgency,
} from '../contract/proposal-types.js';
export {
  createWebhookVerifier,
  signWebhook,
  WEBHOOK_HEADERS,
  type WebhookCheck,
  type WebhookVerifierOptions,
} from '../contract/webhook-signature.js';
export { type ClientOptions, type CountersignClient, createClient } from './client.js';
export { decisionStatement, type DecisionStatementFields } from '../contract/decision-statement.js';
export { type DecisionKey, signDecision, type SignedDecisionBody } from './decision-signing.js';
export {
  ActionMismatch,
  ApiError,
  CountersignSdkError,
  InvalidProposal,
  NotAuthorized,
  ProposalExpired,
  ProposalRejected,
  ServerError,
  ServerUnreachable,
  StillPending,
  UnexpectedResponse,
} from './errors.js';
export { createGate, type Execute, type Gate, type GateApi, type GateOptions, type RunOptions } from './gate.js';
