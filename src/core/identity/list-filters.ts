import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import { invalid } from '../errors.js';
import {
  booleans,
  defineFilterSet,
  integers,
  ordering,
  values,
  type Conditions,
  type Query,
} from '../store/filterset.js';
import { hashTokenKey } from './secrets.js';
import type { IdentityTables } from './tables.js';

/**
 * NetBox's UserFilterSet, TokenFilterSet and ObjectPermissionFilterSet (netbox/users/filtersets.py), as far as Hush
 * has the fields: no groups, owners, notification groups, v2 token versions or peppers, so those filters are
 * refused (400 naming them) like any other unknown one. `q` searches the same columns as NetBox.
 */
const USER_FILTERS = defineFilterSet({
  id: { kind: 'number', column: 'id' },
  username: { kind: 'text', column: 'username' },
  first_name: { kind: 'text', column: 'first_name' },
  last_name: { kind: 'text', column: 'last_name' },
  email: { kind: 'text', column: 'email' },
  date_joined: { kind: 'date', column: 'created' },
  last_login: { kind: 'date', column: 'last_login' },
  is_active: { kind: 'boolean', column: 'is_active' },
  is_superuser: { kind: 'boolean', column: 'is_superuser' },
  permission_id: { kind: 'choice' },
  q: { kind: 'search' },
});

const TOKEN_FILTERS = defineFilterSet({
  id: { kind: 'number', column: 'core_tokens.id' },
  description: { kind: 'text', column: 'core_tokens.description' },
  enabled: { kind: 'boolean', column: 'core_tokens.enabled' },
  write_enabled: { kind: 'boolean', column: 'core_tokens.write_enabled' },
  // Declared DateTimeFilters with only `__gte`/`__lte` in NetBox.
  created: { kind: 'date', column: 'core_tokens.created', lookups: ['gte', 'lte'] },
  expires: { kind: 'date', column: 'core_tokens.expires', lookups: ['gte', 'lte'] },
  last_used: { kind: 'date', column: 'core_tokens.last_used', lookups: ['gte', 'lte'] },
  // Keys are stored only as hashes, so a key matches exactly or not at all.
  key: { kind: 'text', lookups: [] },
  user_id: { kind: 'choice' },
  user: { kind: 'choice' },
  q: { kind: 'search' },
});

const PERMISSION_FILTERS = defineFilterSet({
  id: { kind: 'number', column: 'id' },
  name: { kind: 'text', column: 'name' },
  description: { kind: 'text', column: 'description' },
  enabled: { kind: 'boolean', column: 'enabled' },
  object_type: { kind: 'choice' },
  can_view: { kind: 'boolean' },
  can_add: { kind: 'boolean' },
  can_change: { kind: 'boolean' },
  can_delete: { kind: 'boolean' },
  user_id: { kind: 'choice' },
  user: { kind: 'choice' },
  q: { kind: 'search' },
});

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
const containsCi = (column: string, v: string) =>
  sql<SqlBool>`lower(${sql.ref(column)}) like ${`%${escapeLike(v.toLowerCase())}%`} escape '\\'`;
const anyOf = (parts: Expression<SqlBool>[]) => sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
/** A JSON array of strings (object_types, actions) holding `v`: the stored text has each element quoted. */
const jsonHas = (column: string, v: string) =>
  sql<SqlBool>`${sql.ref(column)} like ${`%${escapeLike(JSON.stringify(v))}%`} escape '\\'`;

const badChoice = (key: string, v: string) =>
  invalid(key, `Select a valid choice. ${v} is not one of the available choices.`);

/** The search term, or undefined when blank (NetBox's `search` returns the queryset unchanged). */
const searchTerm = (query: Query) => values(query, 'q')[0]?.trim() || undefined;

/** `user_id` and `user` as user ids; each value must name a user, as a ModelMultipleChoiceFilter requires. */
async function userChoice(db: Kysely<IdentityTables>, query: Query): Promise<number[] | undefined> {
  const ids = integers(query, 'user_id');
  const names = values(query, 'user');
  if (!ids.length && !names.length) return undefined;
  const found = new Set<number>();
  if (ids.length) {
    const rows = await db.selectFrom('core_users').select('id').where('id', 'in', ids).execute();
    for (const r of rows) found.add(r.id);
    const missing = ids.find((id) => !found.has(id));
    if (missing !== undefined) throw badChoice('user_id', String(missing));
  }
  if (names.length) {
    const rows = await db.selectFrom('core_users').select(['id', 'username']).where('username', 'in', names).execute();
    const missing = names.find((n) => !rows.some((r) => r.username === n));
    if (missing !== undefined) throw badChoice('user', missing);
    for (const r of rows) found.add(r.id);
  }
  return [...found];
}

export async function userConditions(db: Kysely<IdentityTables>, query: Query): Promise<Conditions> {
  const where = USER_FILTERS.where(query);
  const permissionIds = integers(query, 'permission_id');
  if (permissionIds.length) {
    const known = await db.selectFrom('core_permissions').select('id').where('id', 'in', permissionIds).execute();
    const missing = permissionIds.find((id) => !known.some((k) => k.id === id));
    if (missing !== undefined) throw badChoice('permission_id', String(missing));
    where.push(
      sql<SqlBool>`id in (select user_id from core_permission_users where permission_id in (${sql.join(permissionIds)}))`,
    );
  }
  const q = searchTerm(query);
  if (q) where.push(anyOf(['username', 'first_name', 'last_name', 'email'].map((c) => containsCi(c, q))));
  return where;
}

export async function tokenConditions(db: Kysely<IdentityTables>, query: Query): Promise<Conditions> {
  const where = TOKEN_FILTERS.where(query);
  const keys = values(query, 'key');
  if (keys.length) where.push(sql<SqlBool>`core_tokens.key_hash in (${sql.join(keys.map(hashTokenKey))})`);
  const userIds = await userChoice(db, query);
  if (userIds) where.push(sql<SqlBool>`core_tokens.user_id in (${sql.join(userIds.length ? userIds : [0])})`);
  const q = searchTerm(query);
  if (q)
    where.push(
      anyOf([
        sql<SqlBool>`core_tokens.key_hash = ${hashTokenKey(q)}`,
        sql<SqlBool>`core_tokens.user_id in (select id from core_users where ${containsCi('username', q)})`,
        containsCi('core_tokens.description', q),
      ]),
    );
  return where;
}

export async function permissionConditions(db: Kysely<IdentityTables>, query: Query): Promise<Conditions> {
  const where = PERMISSION_FILTERS.where(query);
  const types = values(query, 'object_type');
  if (types.length) where.push(anyOf(types.map((t) => jsonHas('object_types', t))));
  for (const action of ['view', 'add', 'change', 'delete']) {
    for (const wanted of new Set(booleans(query, `can_${action}`))) {
      const has = jsonHas('actions', action);
      where.push(wanted ? has : sql<SqlBool>`not ${has}`);
    }
  }
  const userIds = await userChoice(db, query);
  if (userIds)
    where.push(
      sql<SqlBool>`id in (select permission_id from core_permission_users where user_id in (${sql.join(userIds.length ? userIds : [0])}))`,
    );
  const q = searchTerm(query);
  if (q) where.push(anyOf([containsCi('name', q), containsCi('description', q)]));
  return where;
}

/** `?ordering=` over the fields each list can sort by, then its default order. */
export const userOrdering = (query: Query) =>
  ordering(query, {
    id: 'id',
    username: 'username',
    first_name: 'first_name',
    last_name: 'last_name',
    email: 'email',
    date_joined: 'created',
    last_login: 'last_login',
  });
export const tokenOrdering = (query: Query) =>
  ordering(query, {
    id: 'core_tokens.id',
    created: 'core_tokens.created',
    expires: 'core_tokens.expires',
    last_used: 'core_tokens.last_used',
    description: 'core_tokens.description',
  });
export const permissionOrdering = (query: Query) =>
  ordering(query, { id: 'id', name: 'name', description: 'description', enabled: 'enabled' });
