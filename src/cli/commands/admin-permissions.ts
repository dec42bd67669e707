import { Command } from 'commander';
import { invalid, notFound } from '../../core/errors.js';
import type { PermissionId } from '../../core/ids.js';
import { OPERATOR } from '../../core/identity/authority.js';
import { objectTypesWith, type ObjectTypeRegistry } from '../../core/identity/object-types.js';
import type { EngineManifest } from '../../core/ports.js';
import { cliActor, print, withLocalCore } from '../local-core.js';
import { withStoreOptions } from '../options.js';

/** What `--help` shows; a test holds every type named here to the registry, so no example grants nothing. */
export const GRANT_EXAMPLES = `
Examples:
  hush admin permission grant alice --object-type netbox_secrets.secret --actions view,change
  hush admin permission grant bob --object-type phase.app --actions view --object-id <app id>
  hush admin permission grant bob --object-type phase.secret --actions view,change --object-id <environment id>
  hush admin permission grant carol --object-type lists.list --actions view --object-id 3
  hush admin permission grant dan --object-type users.token --actions view,add

Every object type, its actions and what --object-id names: hush admin permission types`;

/**
 * The object types this build's engines and core check, for `grant --help`: a type listed elsewhere (an audit
 * entry's object type, such as phase.environment) may look grantable but no check reads it, so grants of it are
 * refused (`ObjectTypeRegistry.check`) and only these are shown.
 */
export function grantableTypesHelp(types: ObjectTypeRegistry): string {
  const specs = types.list();
  const width = Math.max(...specs.map((t) => t.name.length));
  const lines = specs.map(
    (t) =>
      `  ${t.name.padEnd(width)}  ${t.actions.join(',').padEnd(22)}  ${t.objectId ? `--object-id: ${t.objectId}` : 'whole only (no --object-id)'}`,
  );
  return `\nObject types (--object-type; any other is refused):\n${lines.join('\n')}`;
}

// Not the registry's field names (object_types, actions, constraints): refusals name the options typed.
const CLI_FIELDS = { objectTypes: '--object-type', actions: '--actions', objectId: '--object-id' };

/** `engines`: the engines this build serves (their object types are what grants may name). */
export function permissionCommand(engines: readonly EngineManifest[]): Command {
  const types = objectTypesWith(engines.flatMap((e) => e.objectTypes ?? []));
  const permission = new Command('permission').description('Grant and revoke permissions.');

  permission.addCommand(
    withStoreOptions(new Command('grant'))
      .description('Grant a user actions on an object type (optionally on one object only).')
      .argument('<username>', 'who receives the grant')
      .requiredOption('--object-type <type>', 'app_label.model, one of those listed below, e.g. netbox_secrets.secret')
      .requiredOption('--actions <list>', 'comma-separated: view,add,change,delete (what the type has)')
      .option('--object-id <id>', 'limit the grant to this one object (what the id names depends on the type)')
      .option('--name <name>', 'a name for the grant (default: derived from the others)')
      .addHelpText('after', GRANT_EXAMPLES)
      .addHelpText('after', grantableTypesHelp(types))
      .action(async (username: string, o) =>
        withLocalCore(o, async (core) => {
          const actions = String(o.actions)
            .split(',')
            .map((a) => a.trim())
            .filter(Boolean);
          if (!actions.length) throw invalid('--actions', 'give at least one action, e.g. view');
          core.objectTypes.check({ objectTypes: [o.objectType], actions, objectId: o.objectId }, CLI_FIELDS);
          const user = await core.users.findByUsername(username);
          if (!user) throw notFound(`User "${username}"`);
          const name =
            o.name ?? `${username}: ${actions.join(',')} ${o.objectType}${o.objectId ? ` #${o.objectId}` : ''}`;
          const record = await core.identityAdmin.createPermission(OPERATOR, cliActor(), {
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
    new Command('types')
      .description('List the object types permissions can name, their actions, and what an object id names.')
      .addHelpText('after', '\nExample:\n  hush admin permission types')
      .action(async () => {
        const specs = types.list();
        const width = Math.max(...specs.map((t) => t.name.length));
        for (const t of specs) {
          print(`${t.name.padEnd(width)}  ${t.actions.join(',').padEnd(23)}  ${t.description}`);
          print(
            `${''.padEnd(width)}  ${''.padEnd(23)}  --object-id: ${t.objectId ?? '(not accepted: grants cover every object)'}`,
          );
        }
      }),
  );

  permission.addCommand(
    withStoreOptions(new Command('list'))
      .description('List permissions.')
      .addHelpText('after', '\nExample:\n  hush admin permission list')
      .action(async (o) =>
        withLocalCore(o, async (core) => {
          const { rows } = await core.permissions.list({ limit: 100_000, offset: 0 });
          for (const p of rows)
            print(
              `${String(p.id).padStart(5)}  ${p.name}  [${p.actions.join(',')}] on ${p.objectTypes.join(',')}${p.object_id ? ` #${p.object_id}` : ''}  users ${p.userIds.join(',') || '-'}${p.enabled ? '' : '  (disabled)'}`,
            );
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
          await core.identityAdmin.deletePermission(OPERATOR, cliActor(), Number(id) as PermissionId);
          print(`revoked permission ${id}`);
        }),
      ),
  );
  return permission;
}
