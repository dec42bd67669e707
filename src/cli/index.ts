import { Command } from 'commander';
import { HUSH_VERSION } from '../core/version.js';
import { clientCommands } from './client/index.js';
import { EXIT_HELP } from './client/errors.js';
import { adminCommand } from './commands/admin.js';
import { serveCommand } from './commands/serve.js';
import type { EngineManifest } from '../core/ports.js';
import { loadEngines } from './local-core.js';

/** `engines`: whose `hush admin` commands to offer (loaded only when an admin command runs, to keep the rest fast). */
function buildProgram(engines: readonly EngineManifest[] = []): Command {
  const program = new Command('hush')
    .description('Hush: a self-hosted secrets server speaking the NetBox, Passbolt, Phase and NetActuate secrets APIs.')
    .version(HUSH_VERSION, '-V, --version')
    // Taken out of the arguments by bin.ts, so it works after any command too.
    .option('--debug', 'on an unexpected error, show where it came from (also HUSH_DEBUG=1)')
    .enablePositionalOptions()
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Examples:

Server (on the server's machine, next to its data):
  hush serve                                   start on 127.0.0.1:8000 with ./data (SQLite)
  hush serve --port 8123 --data-dir /tmp/x     a second instance
  DATABASE_URL=postgres://u:p@db/hush hush serve
  hush admin user create alice --password-stdin
  hush admin token create alice --read-only --expires 2027-01-01T00:00:00Z
  hush admin audit verify

Client (anywhere, over HTTP; HUSH_URL and HUSH_TOKEN override the login, HUSH_APP and HUSH_ENV give --app/--env):
  hush login --url http://127.0.0.1:8000                       store the server and token (asked, not echoed)
  hush whoami                                                  who the token belongs to
  hush logout --revoke                                         forget the login (and revoke the token)
  hush apps                                                    apps and environments you can see
  hush secrets list --app shop --env development               a table, values masked (--reveal, --json)
  hush secrets get DB_URL --app shop --env production          one value, for scripts
  hush secrets set A=1 B=2 --app shop --env development        create or update, one request
  hush secrets delete A --app shop --env development
  hush run --app shop --env development -- npm start           the secrets as environment variables
  hush export --app shop --env production --format k8s-secret  dotenv | json | yaml | shell | k8s-secret
  hush import .env --app shop --env development --dry-run      all or nothing; shows what would change
  hush render cloud-init.yaml -o user-data                     fill \${{secret.NAME}} from secret lists
  hush lists values set web-tier API_KEY=-                     secret lists: create, rename, values …
  source <(hush completion bash)                               completion for bash or zsh

${EXIT_HELP}`,
    );
  program.addCommand(serveCommand());
  program.addCommand(adminCommand(engines));
  for (const c of clientCommands(program)) program.addCommand(c);
  return program;
}

export async function runCli(argv: string[]): Promise<void> {
  // `hush help admin …` shows an admin command's help, which names the engines' object types and commands too.
  const words = argv.slice(2).filter((a) => !a.startsWith('-'));
  const wantsAdmin = words[0] === 'admin' || (words[0] === 'help' && words[1] === 'admin');
  await buildProgram(wantsAdmin ? await loadEngines() : []).parseAsync(argv);
}
