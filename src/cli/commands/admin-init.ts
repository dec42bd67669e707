import { Command } from 'commander';
import { print, withLocalCore } from '../local-core.js';
import { withStoreOptions } from '../options.js';

/** The one admin command that may create an instance; every other one refuses to. */
export function initCommand(): Command {
  return withStoreOptions(new Command('init'))
    .description('Create a new, empty instance: the data directory, database tables, root key and first data key.')
    .addHelpText(
      'after',
      `
Does what the first \`hush serve\` would, without starting a server, and nothing on an instance that exists.
The first admin and its token are created by the first \`hush serve\` (or use \`hush admin user create\`).

Examples:
  hush admin init --data-dir /var/lib/hush
  DATABASE_URL=postgres://hush@db/hush hush admin init --data-dir /etc/hush`,
    )
    .action(async (o) =>
      withLocalCore(
        o,
        async (core) => {
          const key = core.config.rootKey ? 'HUSH_ROOT_KEY' : core.config.rootKeyFile;
          if (!core.created) {
            print(
              `an instance already exists: database ${core.store.location}, root key ${key} (${core.keyringState.rootKeyId}); nothing changed`,
            );
            return;
          }
          const keyNote = core.keyringState.rootKeyCreated
            ? ' (created, mode 0600: back it up, the data cannot be read without it)'
            : '';
          print(`created a Hush instance: database ${core.store.location}, root key ${key}${keyNote}`);
          print('next: `hush serve` (its first start creates the admin and prints its token)');
        },
        { create: true },
      ),
    );
}
