import { type CodeOf, ERROR_KINDS, type ErrorKind, type FieldError, PROBLEM_CODES, type ProblemCode } from '../contract/problem-codes.js';

export type { FieldError };

/**
 * Every refusal the product makes: a stable `code` for machines, the `kind`
 * it belongs to (which decides the HTTP status and the CLI's exit code), and a
 * `detail` that says what to fix. The server turns any of them into RFC 9457
 * problem+json.
 */
export class CountersignError extends Error {
  /** Brand checked instead of `instanceof`, so errors survive duplicate package copies. */
  readonly isCountersignError = true;
  readonly kind: ErrorKind;
  constructor(
    readonly code: ProblemCode,
    readonly detail: string,
    readonly errors?: FieldError[],
  ) {
    super(detail);
    this.name = 'CountersignError';
    this.kind = PROBLEM_CODES[code];
  }

  get status(): number {
    return ERROR_KINDS[this.kind].status;
  }

  get title(): string {
    return ERROR_KINDS[this.kind].title;
  }

  static is(value: unknown): value is CountersignError {
    return typeof value === 'object' && value !== null && (value as CountersignError).isCountersignError === true;
  }
}

export const invalidInput = (errors: FieldError[], detail?: string): CountersignError =>
  new CountersignError('invalid_input', detail ?? describeFieldErrors(errors), errors);

export const unauthenticated = (detail = 'Send a valid token as "Authorization: Bearer <token>".'): CountersignError =>
  new CountersignError('unauthenticated', detail);

export const forbidden = (code: CodeOf<'forbidden'>, detail: string): CountersignError => new CountersignError(code, detail);

export const notFound = (what: string): CountersignError => new CountersignError('not_found', `${what} does not exist.`);

export const conflict = (code: CodeOf<'conflict'>, detail: string): CountersignError => new CountersignError(code, detail);

export function describeFieldErrors(errors: FieldError[]): string {
  return errors.map((e) => `${e.field || '(body)'}: ${e.message}`).join('; ');
}
