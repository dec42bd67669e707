import { sql, type Kysely, type Selectable } from 'kysely';
import { conflict, forbidden, notFound } from '../errors.js';
import { nowIso, type PermissionId } from '../ids.js';
import { isUniqueViolation, type Page } from '../store/constraint.js';
import { and, type Query } from '../store/filterset.js';
import { literalCount } from '../store/page-sql.js';
import { preparedQuery } from '../store/prepared.js';
import type { Db } from '../store/tx.js';
import { permissionConditions, permissionOrdering } from './list-filters.js';
import { requireGrantable, type Authority } from './authority.js';
import type { Caller } from './caller.js';
import type { ObjectTypeRegistry } from './object-types.js';
import type { IdentityTables, PermissionTable } from './tables.js';

/**
 * Grants in NetBox's model: a permission names object types (`app_label.model`, e.g. `netbox_secrets.secret`),
 * actions (`view`, `add`, `change`, `delete`, or an engine's own such as `activate`) and the users holding it;
 * `object_id` narrows it to one object. Superusers hold every permission. Only declared object types and actions
 * (object-types.ts) can be granted or checked; who may grant what is authority.ts's.
 */
export interface PermissionInput {
  name: string;
  description?: string | undefined;
  enabled?: boolean | undefined;
  objectTypes: string[];
  actions: string[];
  objectId?: string | null | undefined;
  userIds: number[];
}

export type PermissionRecord = Selectable<PermissionTable> & {
  objectTypes: string[];
  actions: string[];
  userIds: number[];
};

interface Grant {
  objectTypes: string[];
  actions: string[];
  objectId: string | null;
}

const nameTaken = (name: string) => conflict('name', `A permission named "${name}" already exists.`);

export function createPermissions(deps: { db: Kysely<IdentityTables>; objectTypes: ObjectTypeRegistry }) {
  const { db, objectTypes } = deps;
  // One load of the caller's grants per request: the Caller object lives exactly as long as its request.
  const grantCache = new WeakMap<Caller, Promise<Grant[]>>();

  async function get(id: number, trx: Db<IdentityTables> = db): Promise<PermissionRecord> {
    const row = await trx.selectFrom('core_permissions').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('Permission');
    const users = await trx
      .selectFrom('core_permission_users')
      .select('user_id')
      .where('permission_id', '=', id)
      .orderBy('user_id')
      .execute();
    return {
      ...row,
      objectTypes: JSON.parse(row.object_types),
      actions: JSON.parse(row.actions),
      userIds: users.map((u) => u.user_id),
    };
  }

  async function setUsers(id: number, userIds: number[], trx: Db<IdentityTables>) {
    await trx.deleteFrom('core_permission_users').where('permission_id', '=', id).execute();
    const unique = [...new Set(userIds)];
    if (unique.length)
      await trx
        .insertInto('core_permission_users')
        .values(unique.map((u) => ({ permission_id: id, user_id: u })))
        .execute();
  }

  // Every permission check of a caller who is not a superuser runs this one: compiled once (prepared.ts).
  const grantsOf = preparedQuery(db, 1, (q, userId: number) =>
    q
      .selectFrom('core_permissions')
      .innerJoin('core_permission_users', 'core_permission_users.permission_id', 'core_permissions.id')
      .select(['object_types', 'actions', 'object_id'])
      .where('core_permission_users.user_id', '=', userId)
      .where('enabled', '=', 1),
  );

  /** `trx`: the transaction an identity write runs in (on SQLite a query outside it would wait for it forever). */
  function loadGrants(caller: Caller, trx: Db<IdentityTables> = db): Promise<Grant[]> {
    let grants = grantCache.get(caller);
    if (!grants) {
      grants = grantsOf(trx, caller.user.id).then(({ rows }) =>
        rows.map((r) => ({
          objectTypes: JSON.parse(r.object_types),
          actions: JSON.parse(r.actions),
          objectId: r.object_id,
        })),
      );
      grantCache.set(caller, grants);
    }
    return grants;
  }

  async function can(
    caller: Caller,
    action: string,
    objectType: string,
    objectId?: string | number,
    trx?: Db<IdentityTables>,
  ): Promise<boolean> {
    objectTypes.assertChecked(objectType, action);
    if (caller.user.isSuperuser) return true;
    const id = objectId === undefined ? undefined : String(objectId);
    return (await loadGrants(caller, trx)).some(
      (g) =>
        g.objectTypes.includes(objectType) && g.actions.includes(action) && (g.objectId === null || g.objectId === id),
    );
  }

  const canWithin =
    (trx: Db<IdentityTables>) => (caller: Caller, action: string, objectType: string, objectId?: string | number) =>
      can(caller, action, objectType, objectId, trx);

  return {
    get,
    can,

    /** Throws 403 unless the caller may; every engine's permission check goes through here. */
    async require(caller: Caller, action: string, objectType: string, objectId?: string | number): Promise<void> {
      if (!(await can(caller, action, objectType, objectId))) throw forbidden();
    },

    /** Which objects of a type the caller may act on: `all`, or the ids of object-scoped grants (for list filters). */
    async scope(caller: Caller, action: string, objectType: string): Promise<'all' | string[]> {
      objectTypes.assertChecked(objectType, action);
      if (caller.user.isSuperuser) return 'all';
      const ids: string[] = [];
      for (const g of await loadGrants(caller)) {
        if (!g.objectTypes.includes(objectType) || !g.actions.includes(action)) continue;
        if (g.objectId === null) return 'all';
        ids.push(g.objectId);
      }
      return ids;
    },

    /** A page of permissions matching NetBox's ObjectPermissionFilterSet parameters (list-filters.ts). */
    async list(page: Page, query: Query = {}): Promise<{ count: number; rows: PermissionRecord[] }> {
      const where = and(await permissionConditions(db, query));
      const q = where ? db.selectFrom('core_permissions').where(where) : db.selectFrom('core_permissions');
      let ordered = q.select('id');
      for (const o of permissionOrdering(query)) ordered = ordered.orderBy(sql.ref(o.column), o.desc ? 'desc' : 'asc');
      const [{ n }, rows] = await Promise.all([
        q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
        ordered.orderBy('name').limit(literalCount(page.limit)).offset(literalCount(page.offset)).execute(),
      ]);
      return { count: Number(n), rows: await Promise.all(rows.map((r) => get(r.id))) };
    },

    /** `by` may grant only declared types and actions, and only what it holds itself (authority.ts). */
    async create(by: Authority, input: PermissionInput, trx: Db<IdentityTables>): Promise<PermissionRecord> {
      objectTypes.check(input);
      await requireGrantable(canWithin(trx), objectTypes.declares, by, input, 'grant');
      const now = nowIso();
      try {
        const row = await trx
          .insertInto('core_permissions')
          .values({
            name: input.name,
            description: input.description ?? '',
            enabled: input.enabled === false ? 0 : 1,
            object_types: JSON.stringify(input.objectTypes),
            actions: JSON.stringify(input.actions),
            object_id: input.objectId ?? null,
            created: now,
            last_updated: now,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await setUsers(row.id, input.userIds, trx);
        return get(row.id, trx);
      } catch (e) {
        if (isUniqueViolation(e)) throw nameTaken(input.name);
        throw e;
      }
    },

    /** The permission must be `by`'s to give both as it is and as it will be. */
    async update(
      by: Authority,
      id: PermissionId,
      patch: Partial<PermissionInput>,
      trx: Db<IdentityTables>,
    ): Promise<PermissionRecord> {
      const before = await get(id, trx);
      const after = {
        objectTypes: patch.objectTypes ?? before.objectTypes,
        actions: patch.actions ?? before.actions,
        objectId: patch.objectId !== undefined ? patch.objectId : before.object_id,
      };
      // A permission stored before types were checked stays editable in its other fields.
      if (patch.objectTypes !== undefined || patch.actions !== undefined || patch.objectId !== undefined)
        objectTypes.check(after);
      await requireGrantable(
        canWithin(trx),
        objectTypes.declares,
        by,
        { ...before, objectId: before.object_id },
        'change',
      );
      await requireGrantable(canWithin(trx), objectTypes.declares, by, after, 'change');
      const set: Record<string, unknown> = { last_updated: nowIso() };
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.description !== undefined) set.description = patch.description;
      if (patch.enabled !== undefined) set.enabled = patch.enabled ? 1 : 0;
      if (patch.objectTypes !== undefined) set.object_types = JSON.stringify(patch.objectTypes);
      if (patch.actions !== undefined) set.actions = JSON.stringify(patch.actions);
      if (patch.objectId !== undefined) set.object_id = patch.objectId;
      try {
        await trx.updateTable('core_permissions').set(set).where('id', '=', id).execute();
      } catch (e) {
        if (isUniqueViolation(e)) throw nameTaken(String(patch.name));
        throw e;
      }
      if (patch.userIds !== undefined) await setUsers(id, patch.userIds, trx);
      return get(id, trx);
    },

    async remove(by: Authority, id: PermissionId, trx: Db<IdentityTables>): Promise<PermissionRecord> {
      const record = await get(id, trx);
      await requireGrantable(
        canWithin(trx),
        objectTypes.declares,
        by,
        { ...record, objectId: record.object_id },
        'delete',
      );
      await trx.deleteFrom('core_permissions').where('id', '=', id).execute();
      return record;
    },
  };
}

export type Permissions = ReturnType<typeof createPermissions>;
