#!/usr/bin/env node
import { CliError, EXIT } from './client/errors.js';
import { runCli } from './index.js';

runCli(process.argv).catch((err: unknown) => {
  process.stderr.write(`hush: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(err instanceof CliError ? err.exitCode : EXIT.error);
});
