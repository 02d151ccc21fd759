import { type ErrorKind, type FieldError, kindOfAnswer, type Problem } from '../contract/problem-codes.js';
import type { Proposal } from '../contract/proposal-types.js';

/**
 * Every error class records its name (and its ancestors') under a registry
 * symbol, and `instanceof` checks that list. Two copies of this package in one
 * process share `Symbol.for` keys, so an error thrown by one copy is still an
 * instance of the other copy's class.
 */
// The key's name is older than error kinds; it stays so that older copies still recognise these errors.
const BRANDS = Symbol.for('countersign.sdk.error-kinds');

type Branded = { [BRANDS]?: unknown };

function brandsOf(instance: object): string[] {
  const brands: string[] = [];
  for (let proto = Object.getPrototypeOf(instance); proto && proto !== Error.prototype; proto = Object.getPrototypeOf(proto)) {
    const brand = (proto.constructor as { brand?: string }).brand;
    if (brand && !brands.includes(brand)) brands.push(brand);
  }
  return brands;
}

/**
 * The base of every error the SDK throws.
 *
 * @example
 * try {
 *   await client.gate.run(proposal, execute);
 * } catch (error) {
 *   if (error instanceof CountersignSdkError) console.error(error.code, error.message);
 * }
 */
export class CountersignSdkError extends Error {
  static readonly brand: string = 'CountersignSdkError';

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== 'object' || value === null) return false;
    const brands = (value as Branded)[BRANDS];
    return Array.isArray(brands) && brands.includes(this.brand);
  }

  /** A stable machine-readable code, e.g. `rejected`, `expired` or the server's problem code. */
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.code = code;
    this.name = (new.target as typeof CountersignSdkError).brand;
    Object.defineProperty(this, BRANDS, { value: brandsOf(this), enumerable: false });
  }
}

/**
 * The server answered a request with a problem not covered by a narrower class
 * (for example 409: already claimed, hash differs, not pending). `kind` says
 * what sort of failure it is, `code` exactly which.
 *
 * @example
 * catch (error) { if (error instanceof ApiError && error.kind === 'conflict') console.log(error.code); }
 */
export class ApiError extends CountersignSdkError {
  static override readonly brand: string = 'ApiError';
  readonly kind: ErrorKind;
  constructor(
    readonly status: number,
    readonly problem: Partial<Problem>,
  ) {
    super(problem.code ?? `http_${status}`, problem.detail ?? `HTTP ${status}`);
    this.kind = kindOfAnswer(status, problem.code);
  }
}

/**
 * The server failed unexpectedly (500): a bug or a broken part on its side,
 * which retrying does not fix, so the SDK never retries it. `requestId` names
 * the failure in the server's log: quote it to whoever runs the server.
 *
 * @example
 * catch (error) { if (error instanceof ServerError) console.error(`Countersign failed (request ${error.requestId})`); }
 */
export class ServerError extends ApiError {
  static override readonly brand: string = 'ServerError';
  get requestId(): string | undefined {
    return this.problem.request_id;
  }
}

/**
 * 401 or 403: the token is missing or invalid, or its identity lacks the role.
 *
 * @example
 * catch (error) { if (error instanceof NotAuthorized) console.error('check COUNTERSIGN_TOKEN:', error.message); }
 */
export class NotAuthorized extends ApiError {
  static override readonly brand: string = 'NotAuthorized';
}

/**
 * The server refused the proposal body (400); `errors` names each field and how to fix it.
 *
 * @example
 * catch (error) {
 *   if (error instanceof InvalidProposal) for (const e of error.errors) console.error(e.field, e.message);
 * }
 */
export class InvalidProposal extends ApiError {
  static override readonly brand: string = 'InvalidProposal';
  get errors(): FieldError[] {
    return this.problem.errors ?? [];
  }
}

/**
 * The server could not be reached (connection refused, reset, DNS) or answered
 * 502–504 (away, or a proxy in front of it said so). The gate retries these,
 * within its deadlines; this is thrown once a deadline passes.
 *
 * @example
 * catch (error) { if (error instanceof ServerUnreachable) scheduleRetry(); }
 */
export class ServerUnreachable extends CountersignSdkError {
  static override readonly brand: string = 'ServerUnreachable';
  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    super('unreachable', `cannot reach Countersign at ${url}: ${causeText(cause)}`);
    this.cause = cause;
  }
}

/**
 * The answer was not Countersign's JSON (an HTML page, say): `url` is likely
 * not a Countersign server, or something in front of it answered instead.
 *
 * @example
 * catch (error) { if (error instanceof UnexpectedResponse) console.error(`check the URL: ${error.url} answered ${error.status}`); }
 */
export class UnexpectedResponse extends CountersignSdkError {
  static override readonly brand: string = 'UnexpectedResponse';
  constructor(
    readonly url: string,
    readonly status: number,
  ) {
    super('unexpected_response', `${url} answered ${status} without JSON; is it a Countersign server?`);
  }
}

/**
 * An approver said no. Carries who and why, so the agent can adjust its plan.
 *
 * @example
 * catch (error) {
 *   if (error instanceof ProposalRejected) console.log(`${error.identity} said no: ${error.reason}`);
 * }
 */
export class ProposalRejected extends CountersignSdkError {
  static override readonly brand: string = 'ProposalRejected';
  readonly identity: string;
  readonly reason: string;
  constructor(readonly proposal: Proposal) {
    const identity = proposal.rejection?.identity ?? 'unknown';
    const reason = proposal.rejection?.reason ?? '';
    super('rejected', `proposal ${proposal.id} was rejected by ${identity}: ${reason}`);
    this.identity = identity;
    this.reason = reason;
  }
}

/**
 * Nobody decided before `expires_at`. A timeout is not a "no": the action was
 * neither approved nor refused, and an expired proposal is never retried.
 *
 * @example
 * catch (error) { if (error instanceof ProposalExpired) notifyTeam(error.proposal.id); }
 */
export class ProposalExpired extends CountersignSdkError {
  static override readonly brand: string = 'ProposalExpired';
  constructor(readonly proposal: Proposal) {
    super('expired', `proposal ${proposal.id} expired at ${proposal.expires_at} without a decision`);
  }
}

/**
 * The caller's wait limit passed while the proposal was still pending. Nothing
 * ran; resume later with `gate.resume(error.proposal.id, fn)`.
 *
 * @example
 * catch (error) { if (error instanceof StillPending) console.log('still awaiting approval:', error.proposal.id); }
 */
export class StillPending extends CountersignSdkError {
  static override readonly brand: string = 'StillPending';
  constructor(readonly proposal: Proposal) {
    super('pending', `still awaiting approval: proposal ${proposal.id}`);
  }
}

/**
 * The server granted an action whose hash does not match the approved
 * `action_hash`. Nothing ran; this means something between the agent and the
 * server altered the action.
 *
 * @example
 * catch (error) { if (error instanceof ActionMismatch) alertSecurity(error.message); }
 */
export class ActionMismatch extends CountersignSdkError {
  static override readonly brand: string = 'ActionMismatch';
  constructor(
    readonly proposalId: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super('action_mismatch', `granted action for ${proposalId} hashes to ${actual}, not the approved ${expected}; nothing ran`);
  }
}

function causeText(cause: unknown): string {
  const error = cause as { message?: string; cause?: { code?: string; message?: string } } | undefined;
  return error?.cause?.code ?? error?.cause?.message ?? error?.message ?? String(cause);
}
