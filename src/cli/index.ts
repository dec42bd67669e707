import { Command } from 'commander';
import { HUSH_VERSION } from '../core/version.js';
import { adminCommand } from './commands/admin.js';
import { serveCommand } from './commands/serve.js';

export function buildProgram(): Command {
  const program = new Command('hush')
    .description('Hush: a self-hosted secrets server speaking the NetBox, Passbolt, Phase and NetActuate secrets APIs.')
    .version(HUSH_VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Examples:
  hush serve                                   start on 127.0.0.1:8000 with ./data (SQLite)
  hush serve --port 8123 --data-dir /tmp/x     a second instance
  DATABASE_URL=postgres://u:p@db/hush hush serve
  hush admin user create alice --password-stdin
  hush admin token create alice --read-only --expires 2027-01-01T00:00:00Z
  hush admin audit verify

Exit codes: 0 success, 1 error (the message names the problem), 2 the audit chain is broken.`,
    );
  program.addCommand(serveCommand());
  program.addCommand(adminCommand());
  return program;
}

export async function runCli(argv: string[]): Promise<void> {
  await buildProgram().parseAsync(argv);
}
