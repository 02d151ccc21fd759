/** A failure the CLI reports in one line; `exitCode` follows the contract (1 refused, 2 bad usage or input). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string) => new CliError(message, 2);
export const refusal = (message: string) => new CliError(message, 1);
