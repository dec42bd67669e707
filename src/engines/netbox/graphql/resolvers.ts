import { GraphQLError } from 'graphql';
import { isHushError, type Caller } from '../../../core/ports.js';
import type { Query } from '../filters.js';
import { secretDisplay } from '../serializers.js';
import { OT } from '../service/context.js';
import { kindOf } from '../service/inventory.js';
import type { RoleRow, SecretRow } from '../repo.js';
import type { Services } from '../service/index.js';

type Lookup = Record<string, unknown>;
type Pagination = { offset?: number; limit?: number | null; start?: number | null } | undefined;

// strawberry-django's default page and NetBox's MAX_PAGE_SIZE.
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

/** A strawberry-style lookup object as the REST filter parameters the services already understand. */
function lookupParams(out: Query, field: string, lookup: Lookup | undefined): void {
  if (!lookup) return;
  const add = (key: string, v: unknown) => {
    const list = (out[key] ??= []) as string[];
    list.push(String(v));
  };
  const map: Record<string, string> = {
    exact: '',
    i_exact: '__ie',
    contains: '__ic',
    i_contains: '__ic',
    starts_with: '__isw',
    i_starts_with: '__isw',
    ends_with: '__iew',
    i_ends_with: '__iew',
    gt: '__gt',
    gte: '__gte',
    lt: '__lt',
    lte: '__lte',
  };
  for (const [op, v] of Object.entries(lookup)) {
    if (v === null || v === undefined) continue;
    if (op === 'in_list') for (const x of v as unknown[]) add(field, x);
    else if (op in map) add(`${field}${map[op]}`, v);
  }
}

function page(p: Pagination, query: Query) {
  const limit = Math.min(Math.max(p?.limit ?? DEFAULT_LIMIT, 0) || DEFAULT_LIMIT, MAX_LIMIT);
  if (p?.start != null) {
    query.id__gte = [String(p.start)];
    query.ordering = ['id'];
  }
  return { limit, offset: Math.max(p?.offset ?? 0, 0) };
}

/** Resolvers over the same services as the REST views; each type's list is restricted to the caller's view permission. */
export function createRoot(s: Services, caller: Caller) {
  let loaded: ReturnType<typeof s.roles.tree> | undefined;
  // One read of the role tree per request, on first use.
  const tree = () => (loaded ??= s.roles.tree({ counts: false }));

  /** NetBox restricts querysets: without a view permission a list is empty and an object does not exist. */
  async function scope(objectType: string) {
    try {
      return await s.nc.scope(caller, 'view', objectType);
    } catch (e) {
      if (isHushError(e) && e.kind === 'forbidden') return new Set<number>();
      throw e;
    }
  }

  async function secrets(query: Query, p: Pagination) {
    const sc = await scope(OT.secret);
    if (sc !== 'all' && !sc.size) return [];
    return (await s.secrets.list(query, page(p, query), sc)).rows.map(secretObject);
  }

  function roleObject(r: RoleRow): Record<string, unknown> {
    return {
      id: r.id,
      display: r.name,
      class_type: 'SecretRole',
      name: r.name,
      slug: r.slug,
      description: r.description,
      comments: r.comments,
      created: r.created,
      last_updated: r.last_updated,
      tags: [],
      custom_field_data: {},
      level: async () => (await tree()).ancestors(r).length,
      parent: async () => (r.parent_id === null ? null : roleObject((await tree()).byId.get(r.parent_id)!)),
      children: async () => (await tree()).roles.filter((c) => c.parent_id === r.id).map(roleObject),
      secrets: () => secrets({ role_id: [String(r.id)] }, { limit: MAX_LIMIT }),
    };
  }

  function secretObject(row: SecretRow): Record<string, unknown> {
    const kind = kindOf(row.assigned_object_type);
    return {
      id: row.id,
      display: secretDisplay(row),
      class_type: 'Secret',
      name: row.name,
      description: row.description,
      comments: row.comments,
      created: row.created,
      last_updated: row.last_updated,
      assigned_object_type: { id: kind?.ctId ?? 0, app_label: kind?.appLabel ?? '', model: kind?.model ?? '' },
      assigned_object_id: row.assigned_object_id,
      role: async () => roleObject((await tree()).byId.get(row.role_id)!),
      tags: [],
      custom_field_data: {},
    };
  }

  function roleQuery(f: Lookup | undefined): Query {
    const q: Query = {};
    for (const field of ['id', 'name', 'slug', 'description', 'parent_id'])
      lookupParams(q, field, f?.[field] as Lookup | undefined);
    return q;
  }

  const notFound = (model: string) => new GraphQLError(`${model} matching query does not exist.`);

  return {
    secret: async ({ id }: { id: string }) => {
      // An id no column can hold (PostgreSQL refuses it as invalid) matches nothing, as an unknown one does.
      const found = await secrets({ id: [String(Number(id) || 0)] }, { limit: 1 }).catch((e: unknown) => {
        if (isHushError(e) && e.kind === 'invalid') return [];
        throw e;
      });
      if (!found.length) throw notFound('Secret');
      return found[0];
    },
    secret_list: async ({ filters, pagination }: { filters?: Lookup; pagination?: Pagination }) => {
      const q: Query = {};
      for (const field of ['id', 'name', 'description', 'role_id', 'assigned_object_type_id', 'assigned_object_id'])
        lookupParams(q, field, filters?.[field] as Lookup | undefined);
      const role = filters?.role as Lookup | undefined;
      if (role) {
        const sc = await scope(OT.role);
        const roles =
          sc === 'all' || sc.size
            ? (await s.roles.list(roleQuery(role), { limit: MAX_LIMIT, offset: 0 }, sc)).rows
            : [];
        q.role_id = roles.length ? roles.map((r) => String(r.id)) : ['0'];
      }
      const type = filters?.assigned_object_type as { app_label?: Lookup; model?: Lookup } | undefined;
      if (type?.app_label?.exact && type.model?.exact)
        q.assigned_object_type = [`${String(type.app_label.exact)}.${String(type.model.exact)}`];
      try {
        return await secrets(q, pagination);
      } catch (e) {
        // An unknown role id is a 400 in REST; in GraphQL it simply matches nothing.
        if (isHushError(e) && e.kind === 'invalid') return [];
        throw e;
      }
    },
    secret_role: async ({ id }: { id: string }) => {
      const sc = await scope(OT.role);
      const row = (await tree()).byId.get(Number(id));
      if (!row || (sc !== 'all' && !sc.has(row.id))) throw notFound('SecretRole');
      return roleObject(row);
    },
    secret_role_list: async ({ filters, pagination }: { filters?: Lookup; pagination?: Pagination }) => {
      const sc = await scope(OT.role);
      if (sc !== 'all' && !sc.size) return [];
      const q = roleQuery(filters);
      return (await s.roles.list(q, page(pagination, q), sc)).rows.map(roleObject);
    },
  };
}
