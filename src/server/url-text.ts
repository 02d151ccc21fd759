import type { FastifyRequest } from 'fastify';
import { invalidInput } from '../domain/errors.js';
import { inputLimitErrors } from '../domain/input-limits.js';

/**
 * Path and query values are held to the same text rules as bodies: a NUL or
 * a lone surrogate in `/v1/proposals/:id` is a 400 naming the parameter,
 * before any store sees it (PostgreSQL cannot even look such a value up).
 */
export async function refuseMalformedUrlText(request: FastifyRequest): Promise<void> {
  const values = { ...(request.params as Record<string, unknown> | undefined), ...(request.query as Record<string, unknown> | undefined) };
  const errors = inputLimitErrors(values);
  if (errors.length > 0) throw invalidInput(errors);
}
