import { Command } from 'commander';
import fs from 'node:fs';
import { createPassboltContext } from '../../engines/passbolt/service/context.js';
import { createUserService } from '../../engines/passbolt/service/users.js';
import { CliError } from '../client/errors.js';
import { cliActor, legacyEngineContext, print, withLocalCore } from '../local-core.js';
import { withStoreOptions } from '../options.js';

function readArmored(source: string): string {
  return source === '-' ? fs.readFileSync(0, 'utf8') : fs.readFileSync(source, 'utf8');
}

export function passboltCommand(): Command {
  const passbolt = new Command('passbolt').description("Manage Passbolt users' OpenPGP public keys (what Passbolt's setup flow does).");

  passbolt.addCommand(
    withStoreOptions(new Command('key-set'))
      .description("Register a user's OpenPGP public key, making them a Passbolt user (their id is printed).")
      .argument('<username>', 'the Hush user')
      .argument('<key-file>', 'armored public key file, or - for standard input')
      .option('--replace', 'replace a registered key (secret copies encrypted to the old key will no longer open for the new one)')
      .addHelpText('after', '\nExamples:\n  gpg --export --armor alice@example.com | hush admin passbolt key-set alice -\n  hush admin passbolt key-set bob bob.pub.asc --replace')
      .action(async (username: string, keyFile: string, o) =>
        withLocalCore(o, async (core) => {
          const user = await core.users.findByUsername(username);
          if (!user) throw new CliError(`no user named "${username}"`);
          const service = createUserService(createPassboltContext(await legacyEngineContext(core)));
          const { account, key } = await service.setKey(user.id, readArmored(keyFile), cliActor(), { replace: Boolean(o.replace) });
          print(`passbolt user ${account.id} (${username}) key ${key.fingerprint}`);
        }),
      ),
  );

  passbolt.addCommand(
    withStoreOptions(new Command('users'))
      .description('List Passbolt users: id, username and key fingerprint.')
      .addHelpText('after', '\nExample:\n  hush admin passbolt users --data-dir /var/lib/hush')
      .action(async (o) =>
        withLocalCore(o, async (core) => {
          const pc = createPassboltContext(await legacyEngineContext(core));
          for (const row of await pc.repo.accountsWithKeys()) {
            const user = await core.users.get(row.user_id).catch(() => undefined);
            print(`${row.account_id}  ${user?.username ?? '(deleted user)'}  ${row.fingerprint}`);
          }
        }),
      ),
  );
  return passbolt;
}
