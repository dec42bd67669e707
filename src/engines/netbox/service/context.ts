import { sql, type Kysely } from 'kysely';
import { forbidden } from '../../../core/errors.js';
import type { Caller, LegacyEngineContext as EngineContext } from '../../../core/ports.js';
import type { NetboxTables } from '../tables.js';

/** What every NetBox service shares: its own tables, the keyring cipher for them, audit and permissions. */
export function createNetboxContext(ctx: EngineContext) {
  const db = ctx.db as Kysely<NetboxTables>;
  return {
    ctx,
    db,
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

    /** Serialises master-key bootstrap and activation across processes: row lock (PostgreSQL) or write lock (SQLite). */
    async lockMasterKey(trx: Kysely<NetboxTables>): Promise<void> {
      await sql`update netbox_state set master_key_generation = master_key_generation where id = 1`.execute(trx);
    },
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

export const ENGINE = 'netbox';

/** Audit action names (stable once released). Key material and plaintext never appear in their details. */
export const NetboxAudit = {
  secretRead: 'netbox.secret.read',
  secretCreate: 'netbox.secret.create',
  secretUpdate: 'netbox.secret.update',
  secretDelete: 'netbox.secret.delete',
  roleCreate: 'netbox.secret_role.create',
  roleUpdate: 'netbox.secret_role.update',
  roleDelete: 'netbox.secret_role.delete',
  userKeyCreate: 'netbox.user_key.create',
  userKeyUpdate: 'netbox.user_key.update',
  userKeyDelete: 'netbox.user_key.delete',
  userKeyActivate: 'netbox.user_key.activate',
  masterKeyBootstrap: 'netbox.master_key.bootstrap',
  sessionKeyCreate: 'netbox.session_key.create',
  sessionKeyRefused: 'netbox.session_key.refused',
  sessionKeyDelete: 'netbox.session_key.delete',
  keyPairGenerate: 'netbox.rsa_key_pair.generate',
  inventoryCreate: 'netbox.inventory.create',
  inventoryUpdate: 'netbox.inventory.update',
  inventoryDelete: 'netbox.inventory.delete',
} as const;

export function isForeignKeyViolation(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

export { inIds } from '../filters.js';

