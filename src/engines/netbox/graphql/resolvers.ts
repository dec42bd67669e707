import { GraphQLError } from 'graphql';
import { isHushError, type Caller } from '../../../core/ports.js';
import type { Query } from '../filters.js';
import { secretDisplay } from '../serializers.js';
import { OT } from '../service/context.js';
import { KINDS, kindOf, type Kind } from '../service/inventory.js';
import type { InventoryRow, RoleRow, SecretRow } from '../repo.js';
import type { Services } from '../service/index.js';

type Lookup = Record<string, unknown>;
type Pagination = { offset?: number; limit?: number | null; start?: number | null } | undefined;

// strawberry-django's default page and NetBox's MAX_PAGE_SIZE.
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

// Lookups with a REST parameter of the same meaning. Case-sensitive `contains`, `starts_with` and `ends_with` have
// none (the REST lookups are case-insensitive), so they are refused rather than widened.
const LOOKUP_SUFFIX: Record<string, string> = {
  i_exact: '__ie',
  i_contains: '__ic',
  i_starts_with: '__isw',
  i_ends_with: '__iew',
  gt: '__gt',
  gte: '__gte',
  lt: '__lt',
  lte: '__lte',
};

const refuse = (message: string) => new GraphQLError(message);

/** Refuses a filter field the resolver does not apply: an ignored filter would widen a "select then delete". */
function onlyFields(f: Lookup | null | undefined, allowed: readonly string[], path: string): void {
  for (const [k, v] of Object.entries(f ?? {})) {
    if (!allowed.includes(k)) throw refuse(`Filter ${path}${k} is not supported by Hush.`);
    if (v === null) throw refuse(`Filter ${path}${k} is null; omit it to not filter.`);
  }
}

/**
 * A strawberry-style lookup object as the REST filter parameters the services already understand. Lookups on one
 * field AND together, as in strawberry-django. Returns false when the lookup can match nothing (an empty `in_list`,
 * or `exact` outside `in_list`).
 */
function lookupParams(out: Query, field: string, lookup: Lookup | undefined, path = ''): boolean {
  if (!lookup) return true;
  let equal: string[] | undefined;
  const narrow = (vs: string[]) => (equal = equal === undefined ? vs : equal.filter((x) => vs.includes(x)));
  for (const [op, v] of Object.entries(lookup)) {
    if (v === undefined) continue;
    const name = `${path}${field}.${op}`;
    if (v === null) throw refuse(`Lookup ${name} is null; omit it to not filter.`);
    if (op === 'exact') narrow([String(v)]);
    else if (op === 'in_list') narrow((v as unknown[]).map(String));
    else if (op in LOOKUP_SUFFIX) {
      const key = `${field}${LOOKUP_SUFFIX[op]}`;
      if (out[key] !== undefined) throw refuse(`Lookup ${name} is given twice.`);
      out[key] = [String(v)];
    } else if (op === 'contains' || op === 'starts_with' || op === 'ends_with')
      throw refuse(`Lookup ${name} (case-sensitive) is not supported by Hush; use i_${op}.`);
    else throw refuse(`Lookup ${name} is not supported by Hush.`);
  }
  if (equal === undefined) return true;
  if (!equal.length) return false;
  if (out[field] !== undefined) {
    const prior = out[field] as string[];
    equal = equal.filter((x) => prior.includes(x));
    if (!equal.length) return false;
  }
  out[field] = equal;
  return true;
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

  function inventoryObject(kind: Kind, row: InventoryRow): Record<string, unknown> {
    return {
      id: row.id,
      display: row.name,
      class_type: kind.label,
      name: row.name,
      description: row.description,
      created: row.created,
      last_updated: row.last_updated,
      tags: [],
      custom_field_data: {},
    };
  }

  /** Devices or VMs as the REST list gives them: the caller's `view` scope of the kind, NetBox's filters. */
  async function inventory(kind: Kind, filters: Lookup | undefined, p: Pagination) {
    const fields = ['id', 'name', 'description'];
    onlyFields(filters, fields, '');
    const q: Query = {};
    let possible = true;
    for (const field of fields) possible = lookupParams(q, field, filters?.[field] as Lookup | undefined) && possible;
    if (!possible) return [];
    const sc = await scope(kind.objectType);
    if (sc !== 'all' && !sc.size) return [];
    return (await s.inventory.list(kind, q, page(p, q), sc)).rows.map((r) => inventoryObject(kind, r));
  }

  async function inventoryItem(kind: Kind, id: string) {
    // An id no column can hold matches nothing, as an unknown one does (see `secret`).
    const found = await inventory(kind, { id: { exact: String(Number(id) || 0) } }, { limit: 1 }).catch(
      (e: unknown) => {
        if (isHushError(e) && e.kind === 'invalid') return [];
        throw e;
      },
    );
    if (!found.length) throw notFound(kind.label);
    return found[0];
  }

  const ROLE_FIELDS = ['id', 'name', 'slug', 'description', 'parent_id'];
  /** The REST query of a role filter, or undefined when it matches nothing. */
  function roleQuery(f: Lookup | undefined, path = ''): Query | undefined {
    onlyFields(f, ROLE_FIELDS, path);
    const q: Query = {};
    let possible = true;
    for (const field of ROLE_FIELDS)
      possible = lookupParams(q, field, f?.[field] as Lookup | undefined, path) && possible;
    return possible ? q : undefined;
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
      const fields = ['id', 'name', 'description', 'role_id', 'assigned_object_type_id', 'assigned_object_id'];
      onlyFields(filters, [...fields, 'role', 'assigned_object_type'], '');
      const q: Query = {};
      let possible = true;
      for (const field of fields) possible = lookupParams(q, field, filters?.[field] as Lookup | undefined) && possible;
      const type = filters?.assigned_object_type as { app_label?: Lookup; model?: Lookup } | undefined;
      if (type) {
        // A content type is matched whole: a part alone (or any other lookup) would need a match Hush does not do.
        onlyFields(type, ['app_label', 'model'], 'assigned_object_type.');
        for (const part of ['app_label', 'model'] as const) {
          const l = type[part];
          if (!l || l.exact === undefined || l.exact === null)
            throw refuse(
              `Filter assigned_object_type needs both app_label.exact and model.exact; ${part}.exact is missing.`,
            );
          onlyFields(l, ['exact'], `assigned_object_type.${part}.`);
        }
        q.assigned_object_type = [`${String(type.app_label!.exact)}.${String(type.model!.exact)}`];
      }
      const role = filters?.role as Lookup | undefined;
      if (role) {
        const rq = roleQuery(role, 'role.');
        const sc = await scope(OT.role);
        const roles =
          rq && (sc === 'all' || sc.size) ? (await s.roles.list(rq, { limit: MAX_LIMIT, offset: 0 }, sc)).rows : [];
        let roleIds = roles.map((r) => String(r.id));
        // With role_id too, both must hold.
        if (q.role_id !== undefined) roleIds = roleIds.filter((x) => (q.role_id as string[]).includes(x));
        if (!roleIds.length) possible = false;
        q.role_id = roleIds;
      }
      if (!possible) return [];
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
    device: ({ id }: { id: string }) => inventoryItem(KINDS['dcim.device'], id),
    device_list: ({ filters, pagination }: { filters?: Lookup; pagination?: Pagination }) =>
      inventory(KINDS['dcim.device'], filters, pagination),
    virtual_machine: ({ id }: { id: string }) => inventoryItem(KINDS['virtualization.virtualmachine'], id),
    virtual_machine_list: ({ filters, pagination }: { filters?: Lookup; pagination?: Pagination }) =>
      inventory(KINDS['virtualization.virtualmachine'], filters, pagination),
    secret_role_list: async ({ filters, pagination }: { filters?: Lookup; pagination?: Pagination }) => {
      const sc = await scope(OT.role);
      if (sc !== 'all' && !sc.size) return [];
      const q = roleQuery(filters);
      if (!q) return [];
      return (await s.roles.list(q, page(pagination, q), sc)).rows.map(roleObject);
    },
  };
}
