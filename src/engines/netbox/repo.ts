import {
  sql,
  type Expression,
  type Insertable,
  type Kysely,
  type Selectable,
  type SqlBool,
  type Updateable,
} from 'kysely';
import { literalCount, preparedQuery, type Db } from '../../core/ports.js';
import type {
  NetboxInventoryTable,
  NetboxSecretRoleTable,
  NetboxSecretTable,
  NetboxSessionKeyTable,
  NetboxTables,
  NetboxUserKeyTable,
} from './tables.js';

export type SecretRow = Selectable<NetboxSecretTable>;
export type RoleRow = Selectable<NetboxSecretRoleTable>;
export type UserKeyRow = Selectable<NetboxUserKeyTable>;
export type InventoryRow = Selectable<NetboxInventoryTable>;
export type SessionKeyRow = Selectable<NetboxSessionKeyTable>;
/** The caller's session key with the user its user key belongs to. */
export type CurrentSessionKey = SessionKeyRow & { user_id: number };

export type InventoryTable = 'netbox_devices' | 'netbox_virtual_machines';
export type Order = { column: string; desc: boolean }[];
export interface Page {
  limit: number;
  offset: number;
}

type D = Db<NetboxTables>;

/** Distinct pages (limit, offset) of the plain secret listing kept compiled; all are dropped when it fills. */
const MAX_PLAIN_PAGES = 64;

const dir = (desc: boolean) => (desc ? 'desc' : 'asc');
const count = (n: unknown) => Number(n);

/**
 * Conditions on `netbox_secrets` that name other tables or the secret's columns in raw SQL; the services build
 * the rest of a filter with filters.ts.
 */
export const secretWhere = {
  /** An unknown content type matches nothing rather than failing (docs/wire/netbox.md §3.1 filters). */
  typeIn: (names: readonly string[]) =>
    names.length ? sql<SqlBool>`assigned_object_type in (${sql.join([...names])})` : sql<SqlBool>`1 = 0`,
  roleSlugIn: (slugs: readonly string[]) =>
    sql<SqlBool>`role_id in (select id from netbox_secret_roles where slug in (${sql.join([...slugs])}))`,
  assignedTo: (kind: string, ids: Expression<SqlBool>) => sql<SqlBool>`(assigned_object_type = ${kind} and ${ids})`,
  /** `?q=`: the name, the description, or the name of the device or virtual machine it is assigned to. */
  search(q: string): Expression<SqlBool> {
    const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`).toLowerCase()}%`;
    const objectName = (table: InventoryTable, kind: string) =>
      sql`(assigned_object_type = ${kind} and assigned_object_id in (select id from ${sql.table(table)} where lower(name) like ${pattern} escape '\\'))`;
    return sql<SqlBool>`(lower(netbox_secrets.name) like ${pattern} escape '\\' or lower(netbox_secrets.description) like ${pattern} escape '\\' or ${objectName('netbox_devices', 'dcim.device')} or ${objectName('netbox_virtual_machines', 'virtualization.virtualmachine')})`;
  },
};

/** Queries on netbox_* tables only (docs/architecture.md §6); the services hold the rules, the crypto and the audit. */
export function createNetboxRepo(db: Kysely<NetboxTables>) {
  const roleName = sql`(select r.name from netbox_secret_roles r where r.id = netbox_secrets.role_id)`;

  // Every request reading plaintext or opening a session runs these (the caller's user key and session key, the
  // roles, an unfiltered count, the session-key replacement): compiled once (core/store/prepared.ts).
  const userKeyOf = preparedQuery(db, 1, (q, userId: number) =>
    q.selectFrom('netbox_user_keys').selectAll().where('user_id', '=', userId),
  );
  const sessionKeyOf = preparedQuery(db, 1, (q, userId: number) =>
    q
      .selectFrom('netbox_session_keys')
      .innerJoin('netbox_user_keys', 'netbox_user_keys.id', 'netbox_session_keys.userkey_id')
      .select([
        'netbox_session_keys.id',
        'netbox_session_keys.userkey_id',
        'netbox_session_keys.seal_id',
        'netbox_session_keys.cipher',
        'netbox_session_keys.hash',
        'netbox_session_keys.created',
        'netbox_user_keys.user_id',
      ])
      .where('netbox_user_keys.user_id', '=', userId),
  );
  const everyRole = preparedQuery(db, 0, (q) => q.selectFrom('netbox_secret_roles').selectAll());
  const everySecretCount = preparedQuery(db, 0, (q) =>
    q.selectFrom('netbox_secrets').select((eb) => eb.fn.countAll<number>().as('n')),
  );
  const touchUserKey = preparedQuery(db, 2, (q, id: number, lastUpdated: string) =>
    q.updateTable('netbox_user_keys').set({ last_updated: lastUpdated }).where('id', '=', id),
  );
  const dropSessionKeysOf = preparedQuery(db, 1, (q, userKeyId: number) =>
    q.deleteFrom('netbox_session_keys').where('userkey_id', '=', userKeyId),
  );
  const plainPages = new Map<string, (handle: D) => Promise<{ rows: SecretRow[] }>>();
  const addSessionKey = preparedQuery(
    db,
    5,
    (q, userkeyId: number, sealId: string, cipher: string, hash: string, created: string) =>
      q
        .insertInto('netbox_session_keys')
        .values({ userkey_id: userkeyId, seal_id: sealId, cipher, hash, created })
        .returningAll(),
  );

  return {
    db,

    /** Serialises master-key bootstrap and activation across processes: row lock (PostgreSQL) or write lock (SQLite). */
    lockMasterKey: async (trx: D): Promise<void> => {
      await sql`update netbox_state set master_key_generation = master_key_generation where id = 1`.execute(trx);
    },
    bumpMasterKeyGeneration: (trx: D) =>
      trx
        .updateTable('netbox_state')
        .set((eb) => ({ master_key_generation: eb('master_key_generation', '+', 1) }))
        .where('id', '=', 1)
        .execute(),

    // --- secrets ---

    secretById: (id: number, trx: D = db) =>
      trx.selectFrom('netbox_secrets').selectAll().where('id', '=', id).executeTakeFirst(),

    /** A page of secrets, ordered as asked, then by role name, name and id (the plugin's default ordering). */
    async listSecrets(where: Expression<SqlBool> | undefined, order: Order, page: Page) {
      let base = db.selectFrom('netbox_secrets');
      if (where) base = base.where(where);
      let rows = base.selectAll('netbox_secrets');
      for (const o of order) {
        rows =
          o.column === 'role'
            ? rows.orderBy(roleName, dir(o.desc))
            : rows.orderBy(`netbox_secrets.${o.column}` as 'netbox_secrets.id', dir(o.desc));
      }
      const paged = (q: typeof rows) =>
        q
          .orderBy(roleName)
          .orderBy('netbox_secrets.name')
          .orderBy('netbox_secrets.id')
          .limit(literalCount(page.limit))
          .offset(literalCount(page.offset));
      if (!where && !order.length) {
        // The plain listing (a client paging through every secret): its count and its page, compiled once per page.
        const pageKey = `${page.limit}:${page.offset}`;
        let pageOf = plainPages.get(pageKey);
        if (!pageOf) {
          if (plainPages.size >= MAX_PLAIN_PAGES) plainPages.clear();
          pageOf = preparedQuery(db, 0, (q) => paged(q.selectFrom('netbox_secrets').selectAll('netbox_secrets')));
          plainPages.set(pageKey, pageOf);
        }
        const [counted, listed] = await Promise.all([everySecretCount(db), pageOf(db)]);
        return { count: count(counted.rows[0]!.n), rows: listed.rows };
      }
      const [{ n }, results] = await Promise.all([
        base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
        paged(rows).execute(),
      ]);
      return { count: count(n), rows: results };
    },

    insertSecret: (values: Insertable<NetboxSecretTable>, trx: D) =>
      trx.insertInto('netbox_secrets').values(values).returningAll().executeTakeFirstOrThrow(),
    /** The updated row, or undefined when no such secret is left (deleted since the caller read it). */
    updateSecret: (id: number, set: Updateable<NetboxSecretTable>, trx: D): Promise<SecretRow | undefined> =>
      trx.updateTable('netbox_secrets').set(set).where('id', '=', id).returningAll().executeTakeFirst(),
    deleteSecrets: (ids: number[], trx: D) => trx.deleteFrom('netbox_secrets').where('id', 'in', ids).execute(),

    secretCount: async (trx: D = db) => count((await everySecretCount(trx)).rows[0]!.n),
    /** The first secrets by id (of the given roles, if any), to name in a "dependent objects" refusal. */
    firstSecrets: (limit: number, roleIds?: number[], trx: D = db) => {
      let q = trx.selectFrom('netbox_secrets').select(['id', 'name']);
      if (roleIds) q = q.where('role_id', 'in', roleIds);
      return q.orderBy('id').limit(limit).execute();
    },
    secretCountWithRoles: async (roleIds: number[]) =>
      count(
        (
          await db
            .selectFrom('netbox_secrets')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('role_id', 'in', roleIds)
            .executeTakeFirstOrThrow()
        ).n,
      ),
    secretCountsByRole: () =>
      db
        .selectFrom('netbox_secrets')
        .select(['role_id', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('role_id')
        .execute(),

    secretsAssignedTo: (kind: string, objectId: number, trx: D) =>
      trx
        .selectFrom('netbox_secrets')
        .select('id')
        .where('assigned_object_type', '=', kind)
        .where('assigned_object_id', '=', objectId)
        .execute(),
    deleteSecretsAssignedTo: (kind: string, objectId: number, trx: D) =>
      trx
        .deleteFrom('netbox_secrets')
        .where('assigned_object_type', '=', kind)
        .where('assigned_object_id', '=', objectId)
        .execute(),

    // --- secret roles ---

    allRoles: async (): Promise<RoleRow[]> => (await everyRole(db)).rows,
    roleIds: async () => (await db.selectFrom('netbox_secret_roles').select('id').execute()).map((r) => r.id),
    roleExists: async (id: number) =>
      (await db.selectFrom('netbox_secret_roles').select('id').where('id', '=', id).executeTakeFirst()) !== undefined,
    roleIdBy: async (field: 'name' | 'slug', value: string) =>
      (await db.selectFrom('netbox_secret_roles').select('id').where(field, '=', value).executeTakeFirst())?.id,

    async listRoles(where: Expression<SqlBool> | undefined, order: Order, page: Page) {
      let base = db.selectFrom('netbox_secret_roles');
      if (where) base = base.where(where);
      let rows = base.selectAll();
      for (const o of order) rows = rows.orderBy(o.column as 'id', dir(o.desc));
      const [{ n }, results] = await Promise.all([
        base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
        rows.orderBy('name').orderBy('id').limit(literalCount(page.limit)).offset(literalCount(page.offset)).execute(),
      ]);
      return { count: count(n), rows: results };
    },

    insertRole: async (values: Insertable<NetboxSecretRoleTable>, trx: D) =>
      (await trx.insertInto('netbox_secret_roles').values(values).returning('id').executeTakeFirstOrThrow()).id,
    updateRole: (id: number, set: Updateable<NetboxSecretRoleTable>, trx: D) =>
      trx.updateTable('netbox_secret_roles').set(set).where('id', '=', id).execute(),
    deleteRoles: (ids: number[], trx: D) => trx.deleteFrom('netbox_secret_roles').where('id', 'in', ids).execute(),

    // --- user keys ---

    userKeyById: (id: number) => db.selectFrom('netbox_user_keys').selectAll().where('id', '=', id).executeTakeFirst(),
    userKeyByUser: async (userId: number, trx: D = db): Promise<UserKeyRow | undefined> =>
      (await userKeyOf(trx, userId)).rows[0],
    userKeysByIds: (ids: number[]) => db.selectFrom('netbox_user_keys').selectAll().where('id', 'in', ids).execute(),
    allUserKeys: () => db.selectFrom('netbox_user_keys').selectAll().execute(),
    activeUserKeyIds: async (trx: D = db) =>
      (await trx.selectFrom('netbox_user_keys').select('id').where('master_key_cipher', 'is not', null).execute()).map(
        (r) => r.id,
      ),

    insertUserKey: async (values: Insertable<NetboxUserKeyTable>, trx: D) =>
      (await trx.insertInto('netbox_user_keys').values(values).returning('id').executeTakeFirstOrThrow()).id,
    updateUserKey: (id: number, set: Updateable<NetboxUserKeyTable>, trx: D) =>
      trx.updateTable('netbox_user_keys').set(set).where('id', '=', id).execute(),
    deleteUserKeys: (ids: number[], trx: D) => trx.deleteFrom('netbox_user_keys').where('id', 'in', ids).execute(),

    // --- session keys ---

    currentSessionKey: async (userId: number, trx: D = db): Promise<CurrentSessionKey | undefined> =>
      (await sessionKeyOf(trx, userId)).rows[0],
    /**
     * Replaces a user key's session key. The no-op update of the user key first serialises concurrent replacements
     * for one user (PostgreSQL row lock), so the one-per-user rule never races.
     */
    async replaceSessionKey(
      userKey: Pick<UserKeyRow, 'id' | 'last_updated'>,
      values: Omit<Insertable<NetboxSessionKeyTable>, 'userkey_id'>,
      trx: D,
    ): Promise<SessionKeyRow> {
      await touchUserKey(trx, userKey.id, userKey.last_updated);
      await dropSessionKeysOf(trx, userKey.id);
      const inserted = (
        await addSessionKey(trx, userKey.id, values.seal_id, values.cipher, values.hash, values.created)
      ).rows[0];
      if (!inserted) throw new Error('The session key insert returned no row.');
      return inserted;
    },
    deleteSessionKey: (id: number, trx: D) => trx.deleteFrom('netbox_session_keys').where('id', '=', id).execute(),
    deleteSessionKeysOf: (userKeyId: number, trx: D) =>
      trx.deleteFrom('netbox_session_keys').where('userkey_id', '=', userKeyId).execute(),

    // --- inventory (devices, virtual machines) ---

    async listInventory(table: InventoryTable, where: Expression<SqlBool> | undefined, order: Order, page: Page) {
      let base = db.selectFrom(table);
      if (where) base = base.where(where);
      let rows = base.selectAll();
      for (const o of order) rows = rows.orderBy(o.column as 'id', dir(o.desc));
      const [{ n }, results] = await Promise.all([
        base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
        rows.orderBy('name').orderBy('id').limit(literalCount(page.limit)).offset(literalCount(page.offset)).execute(),
      ]);
      return { count: count(n), rows: results };
    },
    inventoryById: (table: InventoryTable, id: number, trx: D = db) =>
      trx.selectFrom(table).selectAll().where('id', '=', id).executeTakeFirst(),
    inventoryByIds: (table: InventoryTable, ids: number[]) =>
      db.selectFrom(table).selectAll().where('id', 'in', ids).execute(),
    inventoryIdsByName: async (table: InventoryTable, names: string[]) =>
      (await db.selectFrom(table).select('id').where('name', 'in', names).execute()).map((r) => r.id),
    insertInventory: async (table: InventoryTable, values: Insertable<NetboxInventoryTable>, trx: D) =>
      (await trx.insertInto(table).values(values).returning('id').executeTakeFirstOrThrow()).id,
    updateInventory: (table: InventoryTable, id: number, set: Updateable<NetboxInventoryTable>, trx: D) =>
      trx.updateTable(table).set(set).where('id', '=', id).execute(),
    deleteInventory: (table: InventoryTable, id: number, trx: D) =>
      trx.deleteFrom(table).where('id', '=', id).execute(),
  };
}

export type NetboxRepo = ReturnType<typeof createNetboxRepo>;
