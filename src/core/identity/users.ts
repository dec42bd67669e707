import { sql, type Kysely, type Selectable } from 'kysely';
import { conflict, notFound } from '../errors.js';
import { nowIso, type UserId } from '../ids.js';
import { isUniqueViolation, type Page } from '../store/constraint.js';
import { and, type Query } from '../store/filterset.js';
import type { Db } from '../store/tx.js';
import { userConditions, userOrdering } from './list-filters.js';
import { requireUserWrite, type Authority } from './authority.js';
import { hashPassword, verifyPassword, type PasswordGate } from './secrets.js';
import type { IdentityTables, UserTable } from './tables.js';
import { literalCount } from '../store/page-sql.js';
import { preparedQuery } from '../store/prepared.js';

/** Plain pages (no filter, default order) kept compiled, by limit and offset; a client rarely pages through more. */
const MAX_PLAIN_PAGES = 64;

export type UserRow = Selectable<UserTable>;

export interface NewUser {
  username: string;
  password?: string | undefined;
  email?: string | undefined;
  firstName?: string | undefined;
  lastName?: string | undefined;
  kind?: 'person' | 'service' | undefined;
  isSuperuser?: boolean | undefined;
  isActive?: boolean | undefined;
}

export type UserPatch = Partial<NewUser>;

/** The password is hashed before the transaction starts, so the write stays short (docs/architecture.md §12). */
async function toColumns(input: UserPatch, gate: PasswordGate): Promise<Record<string, unknown>> {
  const columns: Record<string, unknown> = {};
  if (input.username !== undefined) columns.username = input.username;
  if (input.email !== undefined) columns.email = input.email;
  if (input.firstName !== undefined) columns.first_name = input.firstName;
  if (input.lastName !== undefined) columns.last_name = input.lastName;
  if (input.kind !== undefined) columns.kind = input.kind;
  if (input.isSuperuser !== undefined) columns.is_superuser = input.isSuperuser ? 1 : 0;
  if (input.isActive !== undefined) columns.is_active = input.isActive ? 1 : 0;
  if (input.password !== undefined) columns.password_hash = await hashPassword(input.password, gate);
  return columns;
}

const taken = (username: string) => conflict('username', `A user with the username "${username}" already exists.`);

export function createUsers(deps: { db: Kysely<IdentityTables>; passwordGate: PasswordGate }) {
  const { db, passwordGate } = deps;

  async function get(id: number, trx: Db<IdentityTables> = db): Promise<UserRow> {
    const row = await trx.selectFrom('core_users').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('User');
    return row;
  }

  const everyUserCount = preparedQuery(db, 0, (q) =>
    q.selectFrom('core_users').select((eb) => eb.fn.countAll<number>().as('n')),
  );
  const plainPages = new Map<string, (handle: Db<IdentityTables>) => Promise<{ rows: UserRow[] }>>();
  const plainPage = (page: Page) => {
    const key = `${page.limit}:${page.offset}`;
    let pageOf = plainPages.get(key);
    if (!pageOf) {
      if (plainPages.size >= MAX_PLAIN_PAGES) plainPages.clear();
      pageOf = preparedQuery(db, 0, (q) =>
        q
          .selectFrom('core_users')
          .selectAll()
          .orderBy('username')
          .limit(literalCount(page.limit))
          .offset(literalCount(page.offset)),
      );
      plainPages.set(key, pageOf);
    }
    return pageOf;
  };

  return {
    get,
    findByUsername: (username: string, trx: Db<IdentityTables> = db) =>
      trx.selectFrom('core_users').selectAll().where('username', '=', username).executeTakeFirst(),

    async count(trx: Db<IdentityTables> = db): Promise<number> {
      const row = await trx
        .selectFrom('core_users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /** A page of users matching NetBox's UserFilterSet parameters (list-filters.ts); unknown ones are refused. */
    async list(page: Page, query: Query = {}): Promise<{ count: number; rows: UserRow[] }> {
      const where = and(await userConditions(db, query));
      const order = userOrdering(query);
      if (!where && !order.length) {
        // The plain listing (the console's users page, a client paging through everyone): compiled once per page.
        const [counted, listed] = await Promise.all([everyUserCount(db), plainPage(page)(db)]);
        return { count: Number(counted.rows[0]!.n), rows: listed.rows };
      }
      const q = where ? db.selectFrom('core_users').where(where) : db.selectFrom('core_users');
      let ordered = q.selectAll();
      for (const o of order) ordered = ordered.orderBy(sql.ref(o.column), o.desc ? 'desc' : 'asc');
      const [{ n }, rows] = await Promise.all([
        q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
        ordered.orderBy('username').limit(literalCount(page.limit)).offset(literalCount(page.offset)).execute(),
      ]);
      return { count: Number(n), rows };
    },

    /** Prepared outside any transaction (password hashing is slow); `insert` then runs inside one. */
    async prepare(by: Authority, input: NewUser) {
      requireUserWrite(by, undefined, input);
      const columns = await toColumns(input, passwordGate);
      return async (trx: Db<IdentityTables>): Promise<UserRow> => {
        try {
          return await trx
            .insertInto('core_users')
            .values({
              ...columns,
              username: input.username,
              password_hash: (columns.password_hash as string) ?? null,
              created: nowIso(),
              last_login: null,
            })
            .returningAll()
            .executeTakeFirstOrThrow();
        } catch (e) {
          if (isUniqueViolation(e)) throw taken(input.username);
          throw e;
        }
      };
    },

    /** `by`'s right to change this account is checked in the transaction, on the row as it is then. */
    async prepareUpdate(by: Authority, id: UserId, patch: UserPatch) {
      requireUserWrite(by, undefined, patch); // before hashing: making a superuser is refused whoever the target is
      const columns = await toColumns(patch, passwordGate);
      return async (trx: Db<IdentityTables>): Promise<UserRow> => {
        requireUserWrite(by, await get(id, trx), patch);
        if (Object.keys(columns).length) {
          try {
            await trx.updateTable('core_users').set(columns).where('id', '=', id).execute();
          } catch (e) {
            if (isUniqueViolation(e)) throw taken(String(patch.username));
            throw e;
          }
        }
        return get(id, trx);
      };
    },

    async remove(by: Authority, id: UserId, trx: Db<IdentityTables>): Promise<UserRow> {
      const row = await get(id, trx);
      requireUserWrite(by, row, {}, 'delete');
      await trx.deleteFrom('core_users').where('id', '=', id).execute();
      return row;
    },

    /** Returns the user when the password matches an active account; constant work whether or not it exists. */
    async checkPassword(username: string, password: string): Promise<UserRow | undefined> {
      const row = await db.selectFrom('core_users').selectAll().where('username', '=', username).executeTakeFirst();
      const ok = await verifyPassword(password, row?.password_hash ?? null, passwordGate);
      return ok && row && row.is_active === 1 ? row : undefined;
    },

    /**
     * A user's own password change, hashed outside the transaction; `write` then sets it. No authority check: the
     * caller proved to be this user with its current password (core/identity/admin.ts `changeOwnPassword`).
     */
    async prepareOwnPassword(id: UserId, password: string) {
      const hash = await hashPassword(password, passwordGate);
      return async (trx: Db<IdentityTables>): Promise<void> => {
        await trx.updateTable('core_users').set({ password_hash: hash }).where('id', '=', id).execute();
      };
    },

    touchLogin: (id: UserId, trx: Db<IdentityTables> = db) =>
      trx.updateTable('core_users').set({ last_login: nowIso() }).where('id', '=', id).execute(),
  };
}

export type Users = ReturnType<typeof createUsers>;
