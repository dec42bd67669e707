import { HushError, type EngineCommandInput, type EngineCommandSpec, type EngineContext } from '../../core/ports.js';
import type { PassboltServices } from './service/index.js';

/** `hush admin passbolt …`: what Passbolt's setup flow does, for an operator (docs/architecture.md §4). */
export const PASSBOLT_COMMANDS: { readonly description: string; readonly list: readonly EngineCommandSpec[] } = {
  description: "Manage Passbolt users' OpenPGP public keys (what Passbolt's setup flow does).",
  list: [
    {
      name: 'key-set',
      description: "Register a user's OpenPGP public key, making them a Passbolt user (their id is printed).",
      arguments: [
        { name: '<username>', description: 'the Hush user' },
        { name: '<key-file>', description: 'armored public key file, or - for standard input' },
      ],
      options: [
        {
          flags: '--replace',
          description:
            'replace a registered key (secret copies encrypted to the old key will no longer open for the new one)',
        },
      ],
      help: 'Examples:\n  gpg --export --armor alice@example.com | hush admin passbolt key-set alice -\n  hush admin passbolt key-set bob bob.pub.asc --replace',
    },
    {
      name: 'users',
      description: 'List Passbolt users: id, username and key fingerprint.',
      help: 'Example:\n  hush admin passbolt users --data-dir /var/lib/hush',
    },
  ],
};

export function passboltCommandRunners(s: PassboltServices, users: EngineContext['users']) {
  return {
    async 'key-set'({ args: [username, keyFile], options, actor, print, readText }: EngineCommandInput) {
      const user = await users.findByUsername(username!);
      if (!user) throw new HushError('not_found', `no user named "${username}"`);
      const { account, key } = await s.users.setKey(user.id, readText(keyFile!), actor, {
        replace: Boolean(options.replace),
      });
      print(`passbolt user ${account.id} (${username}) key ${key.fingerprint}`);
    },

    async users({ print }: EngineCommandInput) {
      for (const row of await s.pc.repo.accountsWithKeys()) {
        const user = await users.get(row.user_id).catch(() => undefined);
        print(`${row.account_id}  ${user?.username ?? '(deleted user)'}  ${row.fingerprint}`);
      }
    },
  };
}
