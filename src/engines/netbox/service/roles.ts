import type { Updateable } from 'kysely';
import {
  HushError,
  invalid,
  isForeignKeyViolation,
  isUniqueViolation,
  nowIso,
  type AuditActor,
  type Db,
} from '../../../core/ports.js';
import { MSG, notFoundModel } from '../errors.js';
import { NetboxAudit } from '../events.js';
import { and, defineFilterSet, or, ordering, textFilter, values, type Conditions, type Query } from '../filters.js';
import type { RoleRow } from '../repo.js';
import type { NetboxSecretRoleTable, NetboxTables } from '../tables.js';
import { inIds, OT, type NetboxContext } from './context.js';

export type { RoleRow } from '../repo.js';
export type RoleView = RoleRow & { depth: number; secretCount: number; parent: RoleRow | undefined };

export interface RoleInput {
  name?: string | undefined;
  slug?: string | undefined;
  description?: string | undefined;
  comments?: string | undefined;
  parentId?: number | null | undefined;
}

/** The plugin's SecretRoleFilterSet (docs/wire/netbox.md §3.1); anything else is refused. */
const ROLE_FILTERS = defineFilterSet({
  id: { kind: 'number', column: 'id' },
  name: { kind: 'text', column: 'name' },
  slug: { kind: 'text', column: 'slug' },
  description: { kind: 'text', column: 'description' },
  created: { kind: 'date', column: 'created' },
  last_updated: { kind: 'date', column: 'last_updated' },
  parent_id: { kind: 'number', column: 'parent_id' },
  parent: { kind: 'choice' },
  ancestor_id: { kind: 'choice' },
  ancestor: { kind: 'choice' },
  q: { kind: 'search' },
});

/**
 * Secret roles. The plugin's roles form a tree (`parent`, `_depth`, cumulative `secret_count`); roles are few, so
 * the tree is computed from one read of the table.
 */
export function createRoleService(nc: NetboxContext) {
  const { repo } = nc;

  /** `counts: false` skips counting secrets per role (a scan of every secret), for callers that show no counts. */
  async function tree(options: { counts?: boolean } = {}) {
    const roles = await repo.allRoles();
    const counts = options.counts === false ? [] : await repo.secretCountsByRole();
    const byId = new Map(roles.map((r) => [r.id, r]));
    const direct = new Map(counts.map((c) => [c.role_id, Number(c.n)]));
    const ancestors = (r: RoleRow): number[] => {
      const out: number[] = [];
      for (let p = r.parent_id; p !== null && !out.includes(p); p = byId.get(p)?.parent_id ?? null) out.push(p);
      return out;
    };
    const cumulative = new Map<number, number>();
    for (const r of roles) {
      const n = direct.get(r.id) ?? 0;
      for (const id of [r.id, ...ancestors(r)]) cumulative.set(id, (cumulative.get(id) ?? 0) + n);
    }
    const view = (r: RoleRow): RoleView => ({
      ...r,
      depth: ancestors(r).length,
      secretCount: cumulative.get(r.id) ?? 0,
      parent: r.parent_id === null ? undefined : byId.get(r.parent_id),
    });
    return { roles, byId, ancestors, view };
  }

  async function get(id: number, scope: 'all' | Set<number> = 'all'): Promise<RoleView> {
    const t = await tree();
    const row = t.byId.get(id);
    if (!row || (scope !== 'all' && !scope.has(id))) throw notFoundModel('SecretRole');
    return t.view(row);
  }

  function check(input: RoleInput, partial: boolean): void {
    const problems: { field: string; message: string }[] = [];
    for (const field of ['name', 'slug'] as const) {
      const v = input[field];
      if (v === undefined) {
        if (!partial) problems.push({ field, message: MSG.required });
        continue;
      }
      if (!v.trim()) problems.push({ field, message: MSG.blank });
      else if (v.length > 100) problems.push({ field, message: 'Ensure this field has no more than 100 characters.' });
    }
    if (input.slug && !/^[-a-zA-Z0-9_]+$/.test(input.slug))
      problems.push({
        field: 'slug',
        message: 'Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.',
      });
    if (input.description !== undefined && input.description.length > 200)
      problems.push({ field: 'description', message: 'Ensure this field has no more than 200 characters.' });
    if (problems.length)
      throw new HushError('invalid', problems.map((p) => `${p.field}: ${p.message}`).join('; '), { problems });
  }

  async function uniqueClash(input: RoleInput, id: number | undefined): Promise<HushError> {
    for (const field of ['name', 'slug'] as const) {
      const v = input[field];
      if (v === undefined) continue;
      const other = await repo.roleIdBy(field, v.trim());
      if (other !== undefined && other !== id) return invalid(field, `Secret Role with this ${field} already exists.`);
    }
    return invalid('name', 'Secret Role with this name already exists.');
  }

  const audit = (
    trx: Db<NetboxTables>,
    actor: AuditActor,
    action: string,
    id: number,
    details: Record<string, unknown>,
  ) => nc.audit.appendWithin(trx, actor, [{ action, objectType: OT.role, objectId: id, details }]);

  return {
    get,
    tree,

    async list(query: Query, page: { limit: number; offset: number }, scope: 'all' | Set<number>) {
      const t = await tree();
      const where: Conditions = ROLE_FILTERS.where(query);
      const parentSlugs = values(query, 'parent');
      if (parentSlugs.length)
        where.push(
          inIds(
            'parent_id',
            t.roles.filter((r) => parentSlugs.includes(r.slug)).map((r) => r.id),
          ),
        );
      const ancestorIds = [
        ...values(query, 'ancestor_id').map(Number),
        ...t.roles.filter((r) => values(query, 'ancestor').includes(r.slug)).map((r) => r.id),
      ];
      if (values(query, 'ancestor_id').length || values(query, 'ancestor').length) {
        where.push(
          inIds(
            'id',
            t.roles.filter((r) => t.ancestors(r).some((a) => ancestorIds.includes(a))).map((r) => r.id),
          ),
        );
      }
      const q = values(query, 'q')[0]?.trim();
      if (q) {
        const parts: Conditions = [];
        for (const col of ['name', 'slug', 'description', 'comments']) textFilter(parts, { x__ic: q }, 'x', col);
        where.push(or(parts));
      }
      if (scope !== 'all') where.push(inIds('id', [...scope]));
      const { count, rows } = await repo.listRoles(
        and(where),
        ordering(query, { id: 'id', name: 'name', slug: 'slug', created: 'created', last_updated: 'last_updated' }),
        page,
      );
      return { count, rows: rows.map(t.view) };
    },

    /** Creates (`id` undefined) or updates every item in one transaction: all or nothing. */
    async saveMany(
      actor: AuditActor,
      items: { id: number | undefined; input: RoleInput }[],
      partial: boolean,
    ): Promise<RoleView[]> {
      const t = await tree({ counts: false });
      const now = nowIso();
      const changes = items.map(({ id, input }) => {
        check(input, partial);
        if (id !== undefined && !t.byId.has(id)) throw notFoundModel('SecretRole');
        if (input.parentId != null) {
          const parent = t.byId.get(input.parentId);
          if (!parent) throw invalid('parent', MSG.relatedId(input.parentId));
          if (id !== undefined && (parent.id === id || t.ancestors(parent).includes(id)))
            throw invalid('parent', 'Cannot assign self or child SecretRole as parent.');
        }
        const set: Updateable<NetboxSecretRoleTable> = { last_updated: now };
        if (input.name !== undefined) set.name = input.name.trim();
        if (input.slug !== undefined) set.slug = input.slug.trim();
        if (input.description !== undefined) set.description = input.description;
        if (input.comments !== undefined) set.comments = input.comments;
        if (input.parentId !== undefined) set.parent_id = input.parentId;
        return { id, input, set };
      });
      let current: (typeof changes)[number] | undefined;
      try {
        const ids = await repo.db.transaction().execute(async (trx) => {
          const out: number[] = [];
          for (const c of changes) {
            current = c;
            let rowId = c.id;
            if (rowId === undefined) {
              rowId = await repo.insertRole(
                {
                  name: '',
                  slug: '',
                  description: '',
                  comments: '',
                  parent_id: null,
                  created: now,
                  last_updated: now,
                  ...c.set,
                },
                trx,
              );
            } else {
              await repo.updateRole(rowId, c.set, trx);
            }
            await audit(trx, actor, c.id === undefined ? NetboxAudit.roleCreate : NetboxAudit.roleUpdate, rowId, {
              name: c.set.name ?? null,
              fields: Object.keys(c.set).filter((k) => k !== 'last_updated'),
            });
            out.push(rowId);
          }
          return out;
        });
        const fresh = await tree();
        return ids.map((id) => fresh.view(fresh.byId.get(id)!));
      } catch (e) {
        if (isUniqueViolation(e) && current) throw await uniqueClash(current.input, current.id);
        throw e;
      }
    },

    /** Roles that secrets use (their own or their descendants') are protected: 409, as the original's PROTECT. */
    async removeMany(actor: AuditActor, ids: number[]): Promise<void> {
      const t = await tree({ counts: false });
      for (const id of ids) if (!t.byId.has(id)) throw notFoundModel('SecretRole');
      const victims = [
        ...new Set([...ids, ...t.roles.filter((r) => t.ancestors(r).some((a) => ids.includes(a))).map((r) => r.id)]),
      ];
      const used = await repo.firstSecrets(20, victims);
      if (used.length) {
        const total = await repo.secretCountWithRoles(victims);
        throw new HushError(
          'conflict',
          MSG.dependents(
            used.map((s) => `${s.name || `Secret #${s.id}`} (${s.id})`),
            total,
          ),
        );
      }
      try {
        await repo.db.transaction().execute(async (trx) => {
          await repo.deleteRoles(ids, trx);
          for (const id of ids)
            await audit(trx, actor, NetboxAudit.roleDelete, id, { name: t.byId.get(id)?.name ?? null });
        });
      } catch (e) {
        if (isForeignKeyViolation(e)) throw new HushError('conflict', MSG.dependents([], 1));
        throw e;
      }
    },
  };
}

export type RoleService = ReturnType<typeof createRoleService>;
