import { forbidden, type Caller, type EngineContext } from '../../../core/ports.js';
import { createNetboxRepo } from '../repo.js';
import type { NetboxTables } from '../tables.js';

/** What every NetBox service shares: its repo, the keyring cipher for its tables, audit, permissions and users. */
export function createNetboxContext(ctx: EngineContext<NetboxTables>) {
  return {
    ctx,
    repo: createNetboxRepo(ctx.store()),
    secretsCipher: ctx.keyring.cipher('netbox_secrets'),
    sessionCipher: ctx.keyring.cipher('netbox_session_keys'),
    audit: ctx.audit,
    users: ctx.users,

    /**
     * Which objects of a model the caller may act on: `all` or a set of ids (object-scoped grants). No grant at all
     * is a 403; an object outside the set answers 404 where it is looked up (NetBox's restricted querysets).
     */
    async scope(caller: Caller, action: string, objectType: string): Promise<'all' | Set<number>> {
      const s = await ctx.permissions.scope(caller, action, objectType);
      if (s === 'all') return 'all';
      if (!s.length) throw forbidden();
      return new Set(s.map(Number));
    },
    can: (caller: Caller, action: string, objectType: string) => ctx.permissions.can(caller, action, objectType),
  };
}

export type NetboxContext = ReturnType<typeof createNetboxContext>;

/** Object types of the permission model, as the plugin names them (docs/wire/netbox.md §4). */
export const OT = {
  secret: 'netbox_secrets.secret',
  role: 'netbox_secrets.secretrole',
  userKey: 'netbox_secrets.userkey',
  device: 'dcim.device',
  vm: 'virtualization.virtualmachine',
} as const;

/** Session keys are no permission object type, but audit entries name them. */
export const SESSION_KEY_OBJECT = 'netbox_secrets.sessionkey';

export { inIds } from '../filters.js';
