/**
 * Every kind of failure, with the HTTP status and title the server answers it
 * with. The one table of statuses: the server reads it, the CLI maps the same
 * kinds to exit codes, the SDK reads a kind back from a status.
 *
 * @example
 * ERROR_KINDS.conflict.status; // 409
 */
export const ERROR_KINDS = {
  invalid_input: { status: 400, title: 'Invalid input' },
  unauthenticated: { status: 401, title: 'Unauthenticated' },
  forbidden: { status: 403, title: 'Forbidden' },
  not_found: { status: 404, title: 'Not found' },
  conflict: { status: 409, title: 'Conflict' },
  too_large: { status: 413, title: 'Body too large' },
  uri_too_long: { status: 414, title: 'URI too long' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  /** A failure nobody foresaw (a bug, a broken disk): logged under a request id, never worth retrying as is. */
  internal: { status: 500, title: 'Internal error' },
  /** The server is away for now (restarting, shutting down): worth retrying. */
  unavailable: { status: 503, title: 'Service unavailable' },
} as const satisfies Record<string, { status: number; title: string }>;

/**
 * What kind of failure an error is.
 *
 * @example
 * if (error instanceof ApiError && error.kind === ('conflict' satisfies ErrorKind)) console.log(error.code);
 */
export type ErrorKind = keyof typeof ERROR_KINDS;

/**
 * Every `code` the server answers in a problem document, and its kind (so its
 * status). A code names the exact refusal; the kind says what to do about it.
 *
 * @example
 * PROBLEM_CODES.same_principal; // 'conflict'
 */
export const PROBLEM_CODES = {
  invalid_input: 'invalid_input',
  body_too_large: 'too_large',
  uri_too_long: 'uri_too_long',
  unsupported_media_type: 'unsupported_media_type',
  unauthenticated: 'unauthenticated',
  role_required: 'forbidden',
  not_a_proposer: 'forbidden',
  not_an_approver: 'forbidden',
  not_executor: 'forbidden',
  cross_origin: 'forbidden',
  csrf: 'forbidden',
  signature_required: 'forbidden',
  signature_invalid: 'forbidden',
  not_your_keys: 'forbidden',
  not_found: 'not_found',
  identity_exists: 'conflict',
  idempotency_key_reused: 'conflict',
  not_pending: 'conflict',
  expired: 'conflict',
  own_proposal: 'conflict',
  proposer_principal: 'conflict',
  same_principal: 'conflict',
  not_approved: 'conflict',
  already_claimed: 'conflict',
  hash_mismatch: 'conflict',
  not_claimed: 'conflict',
  not_claimant: 'conflict',
  outcome_recorded: 'conflict',
  key_exists: 'conflict',
  key_revoked: 'conflict',
  internal: 'internal',
} as const satisfies Record<string, ErrorKind>;

/**
 * A problem `code` the server can answer.
 *
 * @example
 * catch (error) { if (error instanceof ApiError && error.code === ('already_claimed' satisfies ProblemCode)) return; }
 */
export type ProblemCode = keyof typeof PROBLEM_CODES;

/** The codes of one kind, e.g. `CodeOf<'conflict'>`. */
export type CodeOf<K extends ErrorKind> = { [C in ProblemCode]: (typeof PROBLEM_CODES)[C] extends K ? C : never }[ProblemCode];

export const isProblemCode = (code: unknown): code is ProblemCode => typeof code === 'string' && Object.hasOwn(PROBLEM_CODES, code);

/**
 * The kind of an answer: by its code when the code is known, else by its status
 * (an older or newer server, or a proxy in front of it).
 *
 * @example
 * kindOfAnswer(409, 'same_principal'); // 'conflict'
 * kindOfAnswer(502); // 'unavailable'
 */
export function kindOfAnswer(status: number, code?: unknown): ErrorKind {
  if (isProblemCode(code)) return PROBLEM_CODES[code];
  const kinds = Object.keys(ERROR_KINDS) as ErrorKind[];
  const exact = kinds.find((kind) => ERROR_KINDS[kind].status === status);
  if (exact) return exact;
  if (status >= 502 && status <= 504) return 'unavailable';
  return status >= 500 ? 'internal' : 'invalid_input';
}

/**
 * One invalid field of a refused request, and how to fix it.
 *
 * @example
 * catch (e) { if (e instanceof InvalidProposal) e.errors.forEach((f: FieldError) => console.error(f.field, f.message)); }
 */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * An RFC 9457 problem document as the server sends it (`application/problem+json`).
 *
 * @example
 * catch (e) { if (e instanceof ServerError) console.error('quote this to the operator:', (e.problem as Problem).request_id); }
 */
export interface Problem {
  /** `urn:countersign:problem:<code>`. */
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ProblemCode;
  /** For invalid input: each offending field and how to fix it. */
  errors?: FieldError[];
  /** The path the request was made to. */
  instance?: string;
  /** On an internal failure: the id the server logged it under. */
  request_id?: string;
}
