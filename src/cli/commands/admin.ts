import { Command } from 'commander';
import type { EngineManifest } from '../../core/ports.js';
import { engineCommands } from '../engine-commands.js';
import { auditCommand } from './admin-audit.js';
import { initCommand } from './admin-init.js';
import { keyCommands } from './admin-keys.js';
import { permissionCommand } from './admin-permissions.js';
import { tokenCommand } from './admin-tokens.js';
import { userCommand } from './admin-users.js';

export function adminCommand(engines: readonly EngineManifest[] = []): Command {
  const admin = new Command('admin')
    .description('Administer a local instance directly through its database (users, tokens, permissions, keys, audit).')
    .addHelpText(
      'after',
      `
Every admin command takes --data-dir / --database-url (or HUSH_DATA_DIR / DATABASE_URL) to find the instance,
and may run while the server is running. Only \`hush admin init\` (and \`hush serve\`) create an instance; the
others refuse, naming the directory and database they looked at.

Examples:
  hush admin init --data-dir /var/lib/hush
  hush admin user create alice --password-stdin < pw.txt
  hush admin token create alice --description "CI pipeline" --read-only
  hush admin token revoke 7
  hush admin permission grant alice --object-type netbox_secrets.secret --actions view,change
  hush admin rotate-root-key
  hush admin audit verify
  hush admin phase app-create shop
  hush admin passbolt key-set alice alice.pub.asc`,
    );
  admin.addCommand(initCommand());
  admin.addCommand(userCommand());
  admin.addCommand(tokenCommand());
  admin.addCommand(permissionCommand(engines));
  for (const c of keyCommands()) admin.addCommand(c);
  admin.addCommand(auditCommand());
  for (const c of engineCommands(engines)) admin.addCommand(c);
  return admin;
}
