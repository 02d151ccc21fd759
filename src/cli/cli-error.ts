import type { ErrorKind } from '../contract/problem-codes.js';

/** A failure the CLI reports in one line; its kind decides the exit code (see cli-exit.ts). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly kind: ErrorKind,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Bad usage or bad input: exit 2. */
export const usageError = (message: string) => new CliError(message, 'invalid_input');
/** What was asked for is not there: exit 1. */
export const refusal = (message: string) => new CliError(message, 'not_found');
