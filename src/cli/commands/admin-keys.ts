import { Command } from 'commander';
import type { Core } from '../../core/index.js';
import type { KeyChangeRecorder } from '../../core/keyring/data-keys.js';
import { cliActor, print, withLocalCore } from '../local-core.js';
import { withStoreOptions } from '../options.js';

/** Key changes write their audit entry inside their own transaction: a change is never left unrecorded. */
const recorder =
  (core: Core): KeyChangeRecorder =>
  (trx, event) =>
    core.audit.appendWithin(trx, cliActor(), [event]);

export function keyCommands(): Command[] {
  const rotateRoot = withStoreOptions(new Command('rotate-root-key'))
    .description(
      'Replace the root key: re-wraps every data key, leaves every secret as it is. Safe while the server runs.',
    )
    .option(
      '--undo',
      'take back a rotation that did not finish: data keys return under root.key, root.key.next is removed',
    )
    .addHelpText(
      'after',
      `
The new key is written to <data-dir>/root.key.next, the data keys are re-wrapped in one transaction (with its audit
entry), then root.key.next replaces <data-dir>/root.key (or HUSH_ROOT_KEY_FILE); the old key is not needed afterwards.
Key commands take one database lock, so concurrent ones (from any host) take turns. If a rotation is interrupted,
servers keep working with both files and warn at start; run this command again to finish it, or with --undo.
Servers on other machines sharing a PostgreSQL database need the new key file: until they have it, they refuse
writes (503) once they notice the change.

Examples:
  hush admin rotate-root-key --data-dir ./data
  hush admin rotate-root-key --undo --data-dir ./data`,
    )
    .action(async (o: { dataDir?: string; databaseUrl?: string; undo?: boolean }) =>
      withLocalCore(
        o,
        async (core) => {
          const { rotateRootKey } = await import('../../core/keyring/rotate.js');
          const source = { file: core.config.rootKeyFile, inline: core.config.rootKey };
          const r = await rotateRootKey(core.db, source, { undo: o.undo ?? false, record: recorder(core) });
          if (r.outcome === 'undone')
            print(
              `root-key rotation undone: ${r.dataKeysRewrapped} data key(s) re-wrapped back under ${r.rootKeyId}; ${source.file}.next removed`,
            );
          else if (r.outcome === 'finished')
            print(
              `finished a root-key rotation whose data keys were already re-wrapped: ${r.previousRootKeyId} -> ${r.rootKeyId}`,
            );
          else
            print(
              `root key rotated: ${r.previousRootKeyId} -> ${r.rootKeyId}; ${r.dataKeysRewrapped} data key(s) re-wrapped`,
            );
        },
        { quietAboutRotation: true },
      ),
    );

  const rotateData = withStoreOptions(new Command('rotate-data-key'))
    .description('Start sealing new values with a fresh data key; existing values stay readable with their own key.')
    .addHelpText(
      'after',
      '\nRunning servers start using the new key within a minute.\n\nExample:\n  hush admin rotate-data-key',
    )
    .action(async (o) =>
      withLocalCore(o, async (core) => {
        const id = await core.keyring.createDataKey(recorder(core));
        print(`data key ${id} is now the active one`);
      }),
    );
  return [rotateRoot, rotateData];
}
