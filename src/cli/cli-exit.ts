import { STATUS_CODES } from 'node:http';
import type { ErrorKind } from '../contract/problem-codes.js';
import { CountersignError, describeFieldErrors } from '../domain/errors.js';
import { GatewayUsageError } from '../mcp/gateway-usage-error.js';
import { PolicyError } from '../policy/policy-error.js';
import { ApiError, ServerUnreachable, UnexpectedResponse } from '../sdk/errors.js';
import { CliError } from './cli-error.js';

/** The exit code of each kind of failure (contract: 1 refused or tampered, 2 bad usage or bad input). */
const EXIT_CODES: Record<ErrorKind, 1 | 2> = {
  invalid_input: 2,
  too_large: 2,
  uri_too_long: 2,
  unsupported_media_type: 2,
  unauthenticated: 1,
  forbidden: 1,
  not_found: 1,
  conflict: 1,
  unavailable: 1,
  internal: 1,
};

export const exitCodeOf = (kind: ErrorKind): 1 | 2 => EXIT_CODES[kind];

/** What the CLI says about a failure, in one line, and the kind that decides its exit code. */
export function failureOf(error: unknown): { message: string; kind: ErrorKind } {
  if (error instanceof CliError) return { message: error.message, kind: error.kind };
  if (CountersignError.is(error)) return { message: error.errors ? describeFieldErrors(error.errors) : error.detail, kind: error.kind };
  if (error instanceof ApiError) return { message: answerText(error), kind: error.kind };
  if (error instanceof ServerUnreachable) {
    return { message: `cannot reach ${error.url} (${causeText(error.cause)}); is "countersign serve" running? Set --server or COUNTERSIGN_URL`, kind: 'unavailable' };
  }
  if (error instanceof UnexpectedResponse) {
    return { message: `${error.url} answered ${error.status} without JSON; is --server (or COUNTERSIGN_URL) a Countersign server?`, kind: 'unavailable' };
  }
  if (error instanceof GatewayUsageError) return { message: error.message, kind: 'invalid_input' };
  if (error instanceof PolicyError) return { message: `invalid policy ${error.message}`, kind: 'invalid_input' };
  // Matched by name so that reporting a failure loads no database driver.
  if (error instanceof Error && error.name === 'StoreUnavailableError') return { message: error.message, kind: 'invalid_input' };
  return { message: `unexpected error: ${(error as Error).message}`, kind: 'internal' };
}

/** "409 The proposal is already approved…"; each field to fix when the problem names fields. */
function answerText({ status, problem }: ApiError): string {
  return `${status} ${problem.errors?.length ? describeFieldErrors(problem.errors) : (problem.detail ?? STATUS_CODES[status] ?? '')}`;
}

function causeText(cause: unknown): string {
  const error = cause as (Error & { cause?: Error }) | undefined;
  return error?.cause?.message ?? error?.message ?? String(cause);
}
