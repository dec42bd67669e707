import { sql, type Kysely, type Selectable, type SqlBool } from 'kysely';
import { preparedQuery, type Db } from '../../core/ports.js';
import type { PassboltTables } from './tables.js';

export type AccountRow = Selectable<PassboltTables['passbolt_accounts']>;
export type GpgkeyRow = Selectable<PassboltTables['passbolt_gpgkeys']>;
export type ResourceRow = Selectable<PassboltTables['passbolt_resources']>;
export type PermissionRow = Selectable<PassboltTables['passbolt_permissions']>;
export type SecretRow = Selectable<PassboltTables['passbolt_secrets']>;
export type GroupRow = Selectable<PassboltTables['passbolt_groups']>;
export type GroupUserRow = Selectable<PassboltTables['passbolt_groups_users']>;

export interface ResourceFilter {
  hasIds?: string[] | undefined;
  ownedByMe?: boolean | undefined;
  sharedWithMe?: boolean | undefined;
  search?: string | undefined;
  /** Only resources this group holds a permission on (the extension's group filter). */
  sharedWithGroup?: string | undefined;
}

/** A resource the caller can see, with the caller's own permission row. */
export type VisibleResource = ResourceRow & {
  perm_id: string;
  perm_type: number;
  perm_aro: string;
  perm_aro_foreign_key: string;
  perm_created: string;
  perm_modified: string;
};

/** Permission rows that speak for an account: its own, and those of every group it is a member of. */
const heldBy = (accountId: string) =>
  sql<SqlBool>`(passbolt_permissions.aro_foreign_key = ${accountId} OR passbolt_permissions.aro_foreign_key IN
    (SELECT group_id FROM passbolt_groups_users WHERE user_id = ${accountId}))`;

/** Keeps each resource's strongest permission, in the order the rows came: a user may hold one directly and others through groups. */
function strongestPerResource<R extends { id: string; perm_type: number }>(rows: readonly R[]): R[] {
  const best = new Map<string, R>();
  for (const r of rows) {
    const seen = best.get(r.id);
    if (!seen || r.perm_type > seen.perm_type) best.set(r.id, r);
  }
  return [...best.values()];
}

/** Queries on passbolt_* tables only (docs/architecture.md §6). Writes take the caller's transaction. */
export function createPassboltRepo(db: Kysely<PassboltTables>) {
  // Run by every request (the caller's account) and every secret read: compiled once (core prepared.ts).
  const accountOfUser = preparedQuery(db, 1, (q, userId: number) =>
    q.selectFrom('passbolt_accounts').selectAll().where('user_id', '=', userId),
  );
  const secretHeldBy = preparedQuery(db, 2, (q, resourceId: string, accountId: string) =>
    q
      .selectFrom('passbolt_secrets')
      .innerJoin('passbolt_resources', 'passbolt_resources.id', 'passbolt_secrets.resource_id')
      .innerJoin('passbolt_permissions', 'passbolt_permissions.aco_foreign_key', 'passbolt_secrets.resource_id')
      .selectAll('passbolt_secrets')
      .where('passbolt_secrets.resource_id', '=', resourceId)
      .where('passbolt_secrets.user_id', '=', accountId)
      .where(heldBy(accountId))
      .where('passbolt_resources.deleted', '=', 0),
  );
  return {
    db,

    accountByUserId: async (userId: number, trx: Db<PassboltTables> = db) => (await accountOfUser(trx, userId)).rows[0],
    accountById: (id: string, trx: Db<PassboltTables> = db) =>
      trx.selectFrom('passbolt_accounts').selectAll().where('id', '=', id).executeTakeFirst(),
    insertAccount: (row: AccountRow, trx: Db<PassboltTables>) =>
      trx.insertInto('passbolt_accounts').values(row).execute(),
    /** Accounts with their keys; `ids` narrows to those accounts. */
    accountsWithKeys(ids?: readonly string[], trx: Db<PassboltTables> = db) {
      let q = trx
        .selectFrom('passbolt_accounts')
        .innerJoin('passbolt_gpgkeys', 'passbolt_gpgkeys.account_id', 'passbolt_accounts.id')
        .select([
          'passbolt_accounts.id as account_id',
          'passbolt_accounts.user_id',
          'passbolt_accounts.created as account_created',
          'passbolt_accounts.modified as account_modified',
        ])
        .selectAll('passbolt_gpgkeys');
      if (ids) q = q.where('passbolt_accounts.id', 'in', ids.length ? [...ids] : ['']);
      return q.orderBy('passbolt_accounts.created').orderBy('passbolt_accounts.id').execute();
    },
    /** The key with this fingerprint (upper-case hex), as GPGAuth names the user logging in. */
    keysByFingerprint: (fingerprint: string, limit: number, trx: Db<PassboltTables> = db) =>
      trx.selectFrom('passbolt_gpgkeys').selectAll().where('fingerprint', '=', fingerprint).limit(limit).execute(),
    keyOf: (accountId: string, trx: Db<PassboltTables> = db) =>
      trx.selectFrom('passbolt_gpgkeys').selectAll().where('account_id', '=', accountId).executeTakeFirst(),
    keysOf: (accountIds: readonly string[], trx: Db<PassboltTables> = db) =>
      trx
        .selectFrom('passbolt_gpgkeys')
        .selectAll()
        .where('account_id', 'in', accountIds.length ? [...accountIds] : [''])
        .execute(),
    listKeys: () => db.selectFrom('passbolt_gpgkeys').selectAll().orderBy('created').orderBy('id').execute(),
    getKey: (id: string) => db.selectFrom('passbolt_gpgkeys').selectAll().where('id', '=', id).executeTakeFirst(),
    deleteKey: (accountId: string, trx: Db<PassboltTables>) =>
      trx.deleteFrom('passbolt_gpgkeys').where('account_id', '=', accountId).execute(),
    insertKey: (row: GpgkeyRow, trx: Db<PassboltTables>) => trx.insertInto('passbolt_gpgkeys').values(row).execute(),

    getResource: (id: string, trx: Db<PassboltTables> = db) =>
      trx.selectFrom('passbolt_resources').selectAll().where('id', '=', id).where('deleted', '=', 0).executeTakeFirst(),

    /** Resources visible to `accountId`, directly or through a group, each with the strongest permission it holds. */
    async visibleResources(accountId: string, filter: ResourceFilter = {}): Promise<VisibleResource[]> {
      let q = db
        .selectFrom('passbolt_resources')
        .innerJoin('passbolt_permissions', 'passbolt_permissions.aco_foreign_key', 'passbolt_resources.id')
        .selectAll('passbolt_resources')
        .select([
          'passbolt_permissions.id as perm_id',
          'passbolt_permissions.type as perm_type',
          'passbolt_permissions.aro as perm_aro',
          'passbolt_permissions.aro_foreign_key as perm_aro_foreign_key',
          'passbolt_permissions.created as perm_created',
          'passbolt_permissions.modified as perm_modified',
        ])
        .where(heldBy(accountId))
        .where('passbolt_resources.deleted', '=', 0);
      if (filter.hasIds) q = q.where('passbolt_resources.id', 'in', filter.hasIds.length ? filter.hasIds : ['']);
      if (filter.ownedByMe) q = q.where('passbolt_permissions.type', '=', 15);
      if (filter.sharedWithGroup) {
        const groupId = filter.sharedWithGroup;
        q = q.where('passbolt_resources.id', 'in', (eb) =>
          eb
            .selectFrom('passbolt_permissions as gp')
            .select('gp.aco_foreign_key')
            .where('gp.aro', '=', 'Group')
            .where('gp.aro_foreign_key', '=', groupId),
        );
      }
      if (filter.sharedWithMe) q = q.where('passbolt_resources.created_by', '!=', accountId);
      if (filter.search)
        q = q.where((eb) =>
          eb(
            eb.fn('lower', ['passbolt_resources.name']),
            'like',
            `%${filter.search!.toLowerCase().replace(/[%_\\]/g, '')}%`,
          ),
        );
      return strongestPerResource(
        await q.orderBy('passbolt_resources.modified', 'desc').orderBy('passbolt_resources.id').execute(),
      );
    },

    /** The strongest permission `accountId` holds on a resource, its own or a group's. */
    permissionOf: (resourceId: string, accountId: string, trx: Db<PassboltTables> = db) =>
      trx
        .selectFrom('passbolt_permissions')
        .selectAll()
        .where('aco_foreign_key', '=', resourceId)
        .where(heldBy(accountId))
        .orderBy('type', 'desc')
        .executeTakeFirst(),
    /**
     * The accounts that hold each resource, directly or as members of a group holding it: who needs a copy of its
     * secret. Sorted, each once.
     */
    async holdersOf(resourceIds: readonly string[], trx: Db<PassboltTables> = db): Promise<Map<string, string[]>> {
      const ids = resourceIds.length ? [...resourceIds] : [''];
      const direct = await trx
        .selectFrom('passbolt_permissions')
        .select(['aco_foreign_key as resource_id', 'aro_foreign_key as account_id'])
        .where('aco_foreign_key', 'in', ids)
        .where('aro', '=', 'User')
        .execute();
      const viaGroups = await trx
        .selectFrom('passbolt_permissions')
        .innerJoin('passbolt_groups_users', 'passbolt_groups_users.group_id', 'passbolt_permissions.aro_foreign_key')
        .select(['passbolt_permissions.aco_foreign_key as resource_id', 'passbolt_groups_users.user_id as account_id'])
        .where('passbolt_permissions.aco_foreign_key', 'in', ids)
        .where('passbolt_permissions.aro', '=', 'Group')
        .execute();
      const out = new Map<string, Set<string>>(resourceIds.map((id) => [id, new Set<string>()]));
      for (const r of [...direct, ...viaGroups]) out.get(r.resource_id)?.add(r.account_id);
      return new Map([...out].map(([id, set]) => [id, [...set].sort()]));
    },
    permissionsOf: (resourceIds: readonly string[], trx: Db<PassboltTables> = db) =>
      trx
        .selectFrom('passbolt_permissions')
        .selectAll()
        .where('aco_foreign_key', 'in', resourceIds.length ? [...resourceIds] : [''])
        .orderBy('created')
        .orderBy('id')
        .execute(),
    insertPermissions: (rows: PermissionRow[], trx: Db<PassboltTables>) =>
      rows.length ? trx.insertInto('passbolt_permissions').values(rows).execute() : Promise.resolve(),
    updatePermissionType: (id: string, type: number, modified: string, trx: Db<PassboltTables>) =>
      trx.updateTable('passbolt_permissions').set({ type, modified }).where('id', '=', id).execute(),
    deletePermissions: (ids: readonly string[], trx: Db<PassboltTables>) =>
      ids.length
        ? trx
            .deleteFrom('passbolt_permissions')
            .where('id', 'in', [...ids])
            .execute()
        : Promise.resolve(),

    secretOf: (resourceId: string, accountId: string, trx: Db<PassboltTables> = db) =>
      trx
        .selectFrom('passbolt_secrets')
        .selectAll()
        .where('resource_id', '=', resourceId)
        .where('user_id', '=', accountId)
        .executeTakeFirst(),
    /** The caller's copy of a live resource they hold a permission on, in one query (GET /secrets/resource/{id}.json). */
    visibleSecret: async (resourceId: string, accountId: string) =>
      (await secretHeldBy(db, resourceId, accountId)).rows[0],
    /** The caller's secret for each of `resourceIds` (one query for a whole list page). */
    secretsFor: (resourceIds: readonly string[], accountId: string) =>
      db
        .selectFrom('passbolt_secrets')
        .selectAll()
        .where('user_id', '=', accountId)
        .where('resource_id', 'in', resourceIds.length ? [...resourceIds] : [''])
        .execute(),
    insertSecrets: (rows: SecretRow[], trx: Db<PassboltTables>) =>
      rows.length ? trx.insertInto('passbolt_secrets').values(rows).execute() : Promise.resolve(),
    deleteSecretsOf: (resourceId: string, accountIds: readonly string[] | 'all', trx: Db<PassboltTables>) => {
      let q = trx.deleteFrom('passbolt_secrets').where('resource_id', '=', resourceId);
      if (accountIds !== 'all') {
        if (!accountIds.length) return Promise.resolve();
        q = q.where('user_id', 'in', [...accountIds]);
      }
      return q.execute();
    },

    deleteSecretsOfAccount: (accountId: string, resourceIds: readonly string[], trx: Db<PassboltTables>) =>
      resourceIds.length
        ? trx
            .deleteFrom('passbolt_secrets')
            .where('user_id', '=', accountId)
            .where('resource_id', 'in', [...resourceIds])
            .execute()
        : Promise.resolve(),

    listGroups: (trx: Db<PassboltTables> = db) =>
      trx.selectFrom('passbolt_groups').selectAll().orderBy('name').orderBy('id').execute(),
    getGroup: (id: string, trx: Db<PassboltTables> = db) =>
      trx.selectFrom('passbolt_groups').selectAll().where('id', '=', id).executeTakeFirst(),
    groupsById: (ids: readonly string[], trx: Db<PassboltTables> = db) =>
      trx
        .selectFrom('passbolt_groups')
        .selectAll()
        .where('id', 'in', ids.length ? [...ids] : [''])
        .execute(),
    groupByName: (name: string, trx: Db<PassboltTables> = db) =>
      trx.selectFrom('passbolt_groups').selectAll().where('name_key', '=', name.toLowerCase()).executeTakeFirst(),
    insertGroup: (row: GroupRow, trx: Db<PassboltTables>) => trx.insertInto('passbolt_groups').values(row).execute(),
    updateGroup: (id: string, set: Partial<GroupRow>, trx: Db<PassboltTables>) =>
      trx.updateTable('passbolt_groups').set(set).where('id', '=', id).execute(),
    /** Removes the group, its memberships (cascade) and every permission it held. */
    async deleteGroup(id: string, trx: Db<PassboltTables>) {
      await trx
        .deleteFrom('passbolt_permissions')
        .where('aro', '=', 'Group')
        .where('aro_foreign_key', '=', id)
        .execute();
      await trx.deleteFrom('passbolt_groups').where('id', '=', id).execute();
    },
    membersOf: (groupIds: readonly string[], trx: Db<PassboltTables> = db) =>
      trx
        .selectFrom('passbolt_groups_users')
        .selectAll()
        .where('group_id', 'in', groupIds.length ? [...groupIds] : [''])
        .orderBy('created')
        .orderBy('id')
        .execute(),
    membershipsOf: (accountId: string, trx: Db<PassboltTables> = db) =>
      trx.selectFrom('passbolt_groups_users').selectAll().where('user_id', '=', accountId).execute(),
    insertMembers: (rows: GroupUserRow[], trx: Db<PassboltTables>) =>
      rows.length ? trx.insertInto('passbolt_groups_users').values(rows).execute() : Promise.resolve(),
    setMemberAdmin: (id: string, isAdmin: boolean, trx: Db<PassboltTables>) =>
      trx
        .updateTable('passbolt_groups_users')
        .set({ is_admin: isAdmin ? 1 : 0 })
        .where('id', '=', id)
        .execute(),
    deleteMembers: (ids: readonly string[], trx: Db<PassboltTables>) =>
      ids.length
        ? trx
            .deleteFrom('passbolt_groups_users')
            .where('id', 'in', [...ids])
            .execute()
        : Promise.resolve(),
    /** The live resources a group holds a permission on. */
    resourcesOfGroup: (groupId: string, trx: Db<PassboltTables> = db) =>
      trx
        .selectFrom('passbolt_permissions')
        .innerJoin('passbolt_resources', 'passbolt_resources.id', 'passbolt_permissions.aco_foreign_key')
        .select(['passbolt_resources.id', 'passbolt_permissions.type'])
        .where('passbolt_permissions.aro', '=', 'Group')
        .where('passbolt_permissions.aro_foreign_key', '=', groupId)
        .where('passbolt_resources.deleted', '=', 0)
        .execute(),

    /**
     * Row locks that order the transactions whose copies depend on who holds a resource (PostgreSQL's READ COMMITTED
     * lets two such transactions each pass their re-check otherwise; SQLite has one writer anyway). A resource is
     * always locked before groups, and groups in id order, so two of them cannot deadlock.
     */
    lockResource: (id: string, trx: Db<PassboltTables>) =>
      trx
        .updateTable('passbolt_resources')
        .set({ modified: sql`modified` })
        .where('id', '=', id)
        .execute(),
    async lockGroups(ids: readonly string[], trx: Db<PassboltTables>) {
      for (const id of [...new Set(ids)].sort())
        await trx
          .updateTable('passbolt_groups')
          .set({ modified: sql`modified` })
          .where('id', '=', id)
          .execute();
    },

    insertResource: (row: ResourceRow, trx: Db<PassboltTables>) =>
      trx.insertInto('passbolt_resources').values(row).execute(),
    updateResource: (id: string, set: Partial<ResourceRow>, trx: Db<PassboltTables>) =>
      trx.updateTable('passbolt_resources').set(set).where('id', '=', id).execute(),
  };
}

export type PassboltRepo = ReturnType<typeof createPassboltRepo>;
