import { Command } from 'commander';
import { invalid, notFound } from '../../core/errors.js';
import type { PermissionId } from '../../core/ids.js';
import { createAdminService } from '../../engines/admin/service.js';
import { cliActor, print, withLocalCore } from '../local-core.js';
import { withStoreOptions } from '../options.js';

const OBJECT_TYPE = /^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/;
const ACTION = /^[a-z][a-z0-9_]*$/;

export function permissionCommand(): Command {
  const permission = new Command('permission').description('Grant and revoke permissions.');

  permission.addCommand(
    withStoreOptions(new Command('grant'))
      .description('Grant a user actions on an object type (optionally on one object only).')
      .argument('<username>', 'who receives the grant')
      .requiredOption('--object-type <type>', 'app_label.model, e.g. netbox_secrets.secret or users.token')
      .requiredOption('--actions <list>', 'comma-separated: view,add,change,delete or an engine\'s own action')
      .option('--object-id <id>', 'limit the grant to this one object')
      .option('--name <name>', 'a name for the grant (default: derived from the others)')
      .addHelpText('after', '\nExamples:\n  hush admin permission grant alice --object-type users.token --actions view\n  hush admin permission grant bob --object-type phase.environment --actions view --object-id 12')
      .action(async (username: string, o) =>
        withLocalCore(o, async (core) => {
          if (!OBJECT_TYPE.test(o.objectType)) throw invalid('--object-type', 'must look like app_label.model');
          const actions = String(o.actions).split(',').map((a) => a.trim()).filter(Boolean);
          if (!actions.length || !actions.every((a) => ACTION.test(a))) throw invalid('--actions', 'must be a comma-separated list of lower-case action names');
          const user = await core.users.findByUsername(username);
          if (!user) throw notFound(`User "${username}"`);
          const name = o.name ?? `${username}: ${actions.join(',')} ${o.objectType}${o.objectId ? ` #${o.objectId}` : ''}`;
          const record = await createAdminService(core).createPermission(cliActor(), {
            name,
            objectTypes: [o.objectType],
            actions,
            objectId: o.objectId ?? null,
            userIds: [user.id],
          });
          print(`granted permission ${record.id} "${record.name}"`);
        }),
      ),
  );

  permission.addCommand(
    withStoreOptions(new Command('list'))
      .description('List permissions.')
      .addHelpText('after', '\nExample:\n  hush admin permission list')
      .action(async (o) =>
        withLocalCore(o, async (core) => {
          const { rows } = await core.permissions.list({ limit: 100_000, offset: 0 });
          for (const p of rows) print(`${String(p.id).padStart(5)}  ${p.name}  [${p.actions.join(',')}] on ${p.objectTypes.join(',')}${p.object_id ? ` #${p.object_id}` : ''}  users ${p.userIds.join(',') || '-'}${p.enabled ? '' : '  (disabled)'}`);
        }),
      ),
  );

  permission.addCommand(
    withStoreOptions(new Command('revoke'))
      .description('Delete a permission.')
      .argument('<id>', 'permission id (see `hush admin permission list`)')
      .addHelpText('after', '\nExample:\n  hush admin permission revoke 3')
      .action(async (id: string, o) =>
        withLocalCore(o, async (core) => {
          if (!/^\d+$/.test(id)) throw invalid('<id>', `"${id}" is not a permission id`);
          await createAdminService(core).deletePermission(cliActor(), Number(id) as PermissionId);
          print(`revoked permission ${id}`);
        }),
      ),
  );
  return permission;
}
