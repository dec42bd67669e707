#!/usr/bin/env node
import { HushError } from '../core/errors.js';
import { CliError, EXIT } from './client/errors.js';
import { runCli } from './index.js';

/**
 * `--debug` anywhere before a `--` (or HUSH_DEBUG=1) shows the stack of an unexpected error; it is taken out of the
 * arguments here, so every command accepts it. `hush serve` always keeps the stack: its output is the server's log.
 */
function debugMode(argv: string[]): { argv: string[]; debug: boolean } {
  const end = argv.indexOf('--');
  const head = end === -1 ? argv : argv.slice(0, end);
  const rest = end === -1 ? [] : argv.slice(end);
  const kept = head.filter((a, i) => i < 2 || a !== '--debug');
  const command = kept.slice(2).find((a) => !a.startsWith('-'));
  const debug =
    kept.length !== head.length || /^(1|true|yes)$/i.test(process.env.HUSH_DEBUG ?? '') || command === 'serve';
  return { argv: [...kept, ...rest], debug };
}

const { argv, debug } = debugMode(process.argv);

/**
 * A reader that went away (`hush … | head`) is not an error: stop quietly, as `head` expects. Both streams, since
 * stderr may be a closed pipe as well.
 */
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(EXIT.ok);
    fail(err);
  });
}

/** Expected failures are one line; anything else is one line too, with its stack only in debug mode. */
function fail(err: unknown): never {
  let line: string;
  let code: number = EXIT.error;
  if (err instanceof CliError) {
    line = err.message;
    code = err.exitCode;
  } else if (err instanceof HushError) {
    line = err.message;
  } else if (debug) {
    line = `unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`;
    for (let cause = (err as { cause?: unknown }).cause; cause; cause = (cause as { cause?: unknown }).cause) {
      line += `\ncaused by: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`;
    }
  } else {
    const message = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    line = `unexpected error: ${message} (run it again with --debug or HUSH_DEBUG=1 to see where)`;
  }
  try {
    process.stderr.write(`hush: ${line}\n`);
  } catch {
    // stderr is gone as well: the exit status is all that is left
  }
  process.exit(code);
}

process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);
runCli(argv).catch(fail);
