import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { OPERATOR } from '../../core/identity/authority.js';
import { CliError } from '../client/errors.js';
import { cliActor, print, withLocalCore } from '../local-core.js';
import { withStoreOptions } from '../options.js';

function readPasswordFromStdin(): string {
  const text = readFileSync(0, 'utf8').replace(/\r?\n$/, '');
  if (text.length < 8) throw new CliError('the password read from standard input must have at least 8 characters');
  return text;
}

export function userCommand(): Command {
  const user = new Command('user').description('Create and list users.');

  user.addCommand(
    withStoreOptions(new Command('create'))
      .description('Create a user (a person, or a service account with --service).')
      .argument('<username>', 'letters, digits and @/./+/-/_')
      .option('--superuser', 'grant every permission')
      .option('--service', 'a service account (a machine identity, e.g. for CI)')
      .option('--email <email>', 'e-mail address')
      .option('--first-name <name>', "first name (Passbolt's profile shows it)")
      .option('--last-name <name>', "last name (Passbolt's profile shows it)")
      .option('--password-stdin', 'read the password from standard input (never pass it as an argument)')
      .addHelpText(
        'after',
        '\nExamples:\n  hush admin user create alice --password-stdin < pw.txt\n  hush admin user create ada@example.com --first-name Ada --last-name Lovelace\n  hush admin user create ci-bot --service',
      )
      .action(async (username: string, o) =>
        withLocalCore(o, async (core) => {
          const row = await core.identityAdmin.createUser(OPERATOR, cliActor(), {
            username,
            password: o.passwordStdin ? readPasswordFromStdin() : undefined,
            email: o.email,
            firstName: o.firstName,
            lastName: o.lastName,
            isSuperuser: Boolean(o.superuser),
            kind: o.service ? 'service' : 'person',
          });
          print(
            `created user ${row.username} (id ${row.id}${row.is_superuser ? ', superuser' : ''}${o.service ? ', service account' : ''})`,
          );
        }),
      ),
  );

  user.addCommand(
    withStoreOptions(new Command('list'))
      .description('List users.')
      .option('--json', 'machine-readable output')
      .addHelpText('after', '\nExample:\n  hush admin user list --json')
      .action(async (o) =>
        withLocalCore(o, async (core) => {
          const { rows } = await core.users.list({ limit: 100_000, offset: 0 });
          if (o.json)
            return print(
              JSON.stringify(
                rows.map(({ password_hash, ...r }) => ({ ...r, has_password: password_hash !== null })),
                null,
                2,
              ),
            );
          for (const r of rows)
            print(
              `${String(r.id).padStart(5)}  ${r.username}${r.is_superuser ? '  (superuser)' : ''}${r.kind === 'service' ? '  (service)' : ''}${r.is_active ? '' : '  (inactive)'}`,
            );
        }),
      ),
  );
  return user;
}
