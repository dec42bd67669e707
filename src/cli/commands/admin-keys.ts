import { Command } from 'commander';
import { AuditAction } from '../../core/names.js';
import { cliActor, print, withLocalCore } from '../local-core.js';
import { withStoreOptions } from '../options.js';

export function keyCommands(): Command[] {
  const rotateRoot = withStoreOptions(new Command('rotate-root-key'))
    .description('Replace the root key: re-wraps every data key, leaves every secret as it is. Safe while the server runs.')
    .addHelpText(
      'after',
      `
The new key replaces <data-dir>/root.key (or HUSH_ROOT_KEY_FILE); the old key is no longer needed afterwards.
Servers on other machines sharing a PostgreSQL database need the new key file before their next restart.

Example:
  hush admin rotate-root-key --data-dir ./data`,
    )
    .action(async (o) =>
      withLocalCore(o, async (core) => {
        const { rotateRootKey } = await import('../../core/keyring/rotate.js');
        const result = await rotateRootKey(core.db, { file: core.config.rootKeyFile, inline: core.config.rootKey });
        await core.audit.append(cliActor(), [
          { engine: 'core', action: AuditAction.rootKeyRotate, details: { from: result.previousRootKeyId, to: result.rootKeyId, data_keys: result.dataKeysRewrapped } },
        ]);
        print(`root key rotated: ${result.previousRootKeyId} -> ${result.rootKeyId}; ${result.dataKeysRewrapped} data key(s) re-wrapped`);
      }),
    );

  const rotateData = withStoreOptions(new Command('rotate-data-key'))
    .description('Start sealing new values with a fresh data key; existing values stay readable with their own key.')
    .addHelpText('after', '\nExample:\n  hush admin rotate-data-key')
    .action(async (o) =>
      withLocalCore(o, async (core) => {
        const id = await core.keyring.createDataKey();
        await core.audit.append(cliActor(), [{ engine: 'core', action: AuditAction.dataKeyCreate, objectType: 'core.datakey', objectId: id }]);
        print(`data key ${id} is now the active one`);
      }),
    );
  return [rotateRoot, rotateData];
}
