import { describeFieldErrors, type FieldError } from '../domain/errors.js';

/** A problem document (RFC 9457) as the server sends it. */
export interface Problem {
  status?: number;
  detail?: string;
  errors?: FieldError[];
}

/** One line for a refusal: each field to fix when the problem names fields, else its detail. */
export function problemText(problem: Problem, fallback: string): string {
  if (problem.errors?.length) return describeFieldErrors(problem.errors);
  return problem.detail ?? fallback;
}
