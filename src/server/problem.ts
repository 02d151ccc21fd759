import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Problem, ProblemCode } from '../contract/problem-codes.js';
import { CountersignError } from '../domain/errors.js';

/** Builds an RFC 9457 problem document; its status is its kind's (contract/problem-codes.ts). */
export function problemOf(error: CountersignError): Problem {
  return {
    type: `urn:countersign:problem:${error.code}`,
    title: error.title,
    status: error.status,
    detail: error.detail,
    code: error.code,
    ...(error.errors ? { errors: error.errors } : {}),
  };
}

export function sendProblem(reply: FastifyReply, error: CountersignError, instance?: string, extra: Partial<Problem> = {}) {
  return reply
    .code(error.status)
    .type('application/problem+json')
    .send({ ...problemOf(error), ...(instance ? { instance } : {}), ...extra });
}

const FRAMEWORK_HINTS: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Send the body as JSON with "Content-Type: application/json".',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The body is empty; send a JSON object.',
  FST_ERR_CTP_BODY_TOO_LARGE: 'The body is too large; proposals are limited to 1 MiB.',
  FST_ERR_CTP_INVALID_JSON_BODY: 'The body is not valid JSON.',
};

/** The framework's own refusals (bad JSON, media type, size), by the status it gives them. */
const FRAMEWORK_CODES: Record<number, ProblemCode> = { 404: 'not_found', 413: 'body_too_large', 414: 'uri_too_long', 415: 'unsupported_media_type' };

/**
 * An unexpected failure: a 500 that names the request id it is logged under,
 * so the two can be matched. Not "try again": retrying a bug does not fix it.
 */
export const internalError = (requestId: string): CountersignError =>
  new CountersignError('internal', `The server failed unexpectedly; the failure is logged under request id ${requestId}. Retrying will not help until it is fixed.`);

/**
 * One handler for every error: ours carry their kind; the framework's 4xx
 * keep theirs; anything else is logged and answered 500 without internals.
 */
export function handleError(error: FastifyError | CountersignError, request: FastifyRequest, reply: FastifyReply) {
  if (CountersignError.is(error)) return sendProblem(reply, error, request.url);
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const detail = FRAMEWORK_HINTS[error.code] ?? error.message;
    return sendProblem(reply, new CountersignError(FRAMEWORK_CODES[status] ?? 'invalid_input', detail), request.url);
  }
  logUnexpected(request, error);
  return sendProblem(reply, internalError(request.id), request.url, { request_id: request.id });
}

/** One error-level log line, carrying the request id (`reqId`) the answer names. */
export function logUnexpected(request: FastifyRequest, error: unknown): void {
  request.log.error({ err: error, method: request.method, url: request.url }, 'unexpected failure');
}
