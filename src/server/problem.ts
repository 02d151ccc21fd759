import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { CountersignError } from '../domain/errors.js';

/** Builds an RFC 9457 problem document. */
export function problemOf(error: CountersignError) {
  return {
    type: `urn:countersign:problem:${error.code}`,
    title: error.title,
    status: error.status,
    detail: error.detail,
    code: error.code,
    ...(error.errors ? { errors: error.errors } : {}),
  };
}

export function sendProblem(reply: FastifyReply, error: CountersignError, instance?: string) {
  return reply
    .code(error.status)
    .type('application/problem+json')
    .send({ ...problemOf(error), ...(instance ? { instance } : {}) });
}

const FRAMEWORK_HINTS: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Send the body as JSON with "Content-Type: application/json".',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The body is empty; send a JSON object.',
  FST_ERR_CTP_BODY_TOO_LARGE: 'The body is too large; proposals are limited to 1 MiB.',
  FST_ERR_CTP_INVALID_JSON_BODY: 'The body is not valid JSON.',
};

/**
 * One handler for every error: ours carry their status; the framework's 4xx
 * (bad JSON, media type, size) keep theirs; anything else is logged and
 * answered without internals.
 */
export function handleError(error: FastifyError | CountersignError, request: FastifyRequest, reply: FastifyReply) {
  if (CountersignError.is(error)) return sendProblem(reply, error, request.url);
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const detail = FRAMEWORK_HINTS[error.code] ?? error.message;
    const code = status === 415 ? 'unsupported_media_type' : status === 413 ? 'body_too_large' : 'invalid_input';
    return sendProblem(reply, new CountersignError(status, code, titleFor(status), detail), request.url);
  }
  request.log.error({ err: error }, 'request failed');
  return sendProblem(reply, new CountersignError(503, 'unavailable', 'Service unavailable', 'The request could not be completed; try again.'), request.url);
}

const titleFor = (status: number) => ({ 400: 'Invalid input', 413: 'Body too large', 415: 'Unsupported media type' })[status] ?? 'Bad request';
