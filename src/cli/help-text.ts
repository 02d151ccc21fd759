/** The exit codes every command keeps (contract §5). */
export const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  refused (a 4xx other than 400, a tampered log) or the server could not be reached
  2  bad usage or bad input (a missing option, an invalid file, a 400)`;

/** Shown after the options of every command that talks to a running server. */
export const CLIENT_HELP = `
Environment:
  COUNTERSIGN_TOKEN  your identity's token (from "countersign identity add"); required
  COUNTERSIGN_URL    the server, instead of --server (default http://127.0.0.1:7420)
${EXIT_CODES_HELP}`;
