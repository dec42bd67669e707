import { Command } from 'commander';
import { notFound } from '../../core/errors.js';
import { parseExpiry, type TokenId, type UserId } from '../../core/ids.js';
import { OPERATOR } from '../../core/identity/authority.js';
import { CliError } from '../client/errors.js';
import { cliActor, print, withLocalCore } from '../local-core.js';
import { withStoreOptions } from '../options.js';

export function tokenCommand(): Command {
  const token = new Command('token').description('Create, list and revoke API tokens.');

  token.addCommand(
    withStoreOptions(new Command('create'))
      .description('Create a token for a user and print its key (shown only this once).')
      .argument('<username>', 'the owner')
      .option('--read-only', 'the token may only read (write_enabled false)')
      .option('--expires <when>', 'ISO-8601 expiry time')
      .option('--description <text>', 'what the token is for')
      .addHelpText(
        'after',
        '\nExamples:\n  hush admin token create alice\n  hush admin token create ci-bot --read-only --expires 2027-01-01T00:00:00Z --description "CI"',
      )
      .action(async (username: string, o) =>
        withLocalCore(o, async (core) => {
          const user = await core.users.findByUsername(username);
          if (!user) throw notFound(`User "${username}"`);
          const { row, key } = await core.identityAdmin.createToken(OPERATOR, cliActor(), {
            userId: user.id as UserId,
            description: o.description,
            expires: parseExpiry(o.expires),
            writeEnabled: !o.readOnly,
          });
          process.stderr.write(
            `created token ${row.id} for ${username}${o.readOnly ? ' (read-only)' : ''}; the key is shown only now:\n`,
          );
          print(key);
        }),
      ),
  );

  token.addCommand(
    withStoreOptions(new Command('list'))
      .description('List tokens (ids, owners, expiry; never keys).')
      .option('--user <username>', "only this user's tokens")
      .addHelpText('after', '\nExample:\n  hush admin token list --user alice')
      .action(async (o) =>
        withLocalCore(o, async (core) => {
          const owner = o.user ? await core.users.findByUsername(o.user) : undefined;
          if (o.user && !owner) throw notFound(`User "${o.user}"`);
          const { rows } = await core.tokens.list({ limit: 100_000, offset: 0 }, { userId: owner?.id });
          for (const t of rows) {
            print(
              `${String(t.id).padStart(5)}  user ${t.user_id}  ****${t.key_hint}  ${t.write_enabled ? 'read-write' : 'read-only '}  expires ${t.expires ?? 'never'}  last used ${t.last_used ?? 'never'}  ${t.description}`,
            );
          }
        }),
      ),
  );

  token.addCommand(
    withStoreOptions(new Command('revoke'))
      .description('Delete a token; requests using it fail from now on.')
      .argument('<id>', 'token id (see `hush admin token list`)')
      .addHelpText('after', '\nExample:\n  hush admin token revoke 7')
      .action(async (id: string, o) =>
        withLocalCore(o, async (core) => {
          if (!/^\d+$/.test(id)) throw new CliError(`<id>: "${id}" is not a token id`);
          await core.identityAdmin.revokeToken(OPERATOR, cliActor(), Number(id) as TokenId);
          print(`revoked token ${id}`);
        }),
      ),
  );
  return token;
}
