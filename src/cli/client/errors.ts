/**
 * Exit codes of the client commands, documented in `hush --help`; scripts branch on them, so they never change
 * meaning once released. `hush run` instead exits with its child's status.
 */
export const EXIT = {
  ok: 0,
  error: 1,
  auditBroken: 2,
  unreachable: 3,
  unauthenticated: 4,
  forbidden: 5,
  notFound: 6,
  conflict: 7,
  unknownOutcome: 8,
} as const;

export const EXIT_HELP = `Exit codes:
  0  success
  1  error: bad input or a request the server refused (the message names the problem and the fix)
  2  hush admin audit verify: the audit chain is broken
  3  the server cannot be reached (check the URL: hush login --url …, or HUSH_URL)
  4  not logged in, or the server refused the token (hush login, or HUSH_TOKEN)
  5  permission denied for this app, environment or list
  6  not found: unknown app, environment, secret, list or value
  7  conflict: the name or key is taken, or the data changed during the request
  8  the request was sent but its answer was lost: it may or may not have been applied (the message says how to check)
  hush run exits with the command's own status (128+N when a signal N ended it).`;

/** An error the CLI prints as one line (`hush: …`) before exiting with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.error,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
