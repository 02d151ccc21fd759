/**
 * Errors that know their HTTP face. Every refusal the product makes is one of
 * these: a stable `code` for machines, a `status`, and a `detail` that says
 * what to fix. The server turns any of them into RFC 9457 problem+json.
 */
export interface FieldError {
  field: string;
  message: string;
}

export class CountersignError extends Error {
  /** Brand checked instead of `instanceof`, so errors survive duplicate package copies. */
  readonly isCountersignError = true;
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail: string,
    readonly errors?: FieldError[],
  ) {
    super(detail);
    this.name = 'CountersignError';
  }

  static is(value: unknown): value is CountersignError {
    return typeof value === 'object' && value !== null && (value as CountersignError).isCountersignError === true;
  }
}

export const invalidInput = (errors: FieldError[], detail?: string): CountersignError =>
  new CountersignError(400, 'invalid_input', 'Invalid input', detail ?? describeFieldErrors(errors), errors);

export const unauthenticated = (detail = 'Send a valid token as "Authorization: Bearer <token>".'): CountersignError =>
  new CountersignError(401, 'unauthenticated', 'Unauthenticated', detail);

export const forbidden = (code: string, detail: string): CountersignError =>
  new CountersignError(403, code, 'Forbidden', detail);

export const notFound = (what: string): CountersignError =>
  new CountersignError(404, 'not_found', 'Not found', `${what} does not exist.`);

export const conflict = (code: string, detail: string): CountersignError =>
  new CountersignError(409, code, 'Conflict', detail);

export function describeFieldErrors(errors: FieldError[]): string {
  return errors.map((e) => `${e.field || '(body)'}: ${e.message}`).join('; ');
}
