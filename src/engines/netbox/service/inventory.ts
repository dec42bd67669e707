import type { Selectable } from 'kysely';
import { forbidden, invalid } from '../../../core/errors.js';
import { nowIso } from '../../../core/ids.js';
import type { AuditActor, Caller } from '../../../core/ports.js';
import { MSG, notFoundModel } from '../errors.js';
import { and, intFilter, ordering, textFilter, values, type Conditions, type Query } from '../filters.js';
import type { NetboxInventoryTable } from '../tables.js';
import { ENGINE, inIds, NetboxAudit, OT, type NetboxContext } from './context.js';

export type InventoryRow = Selectable<NetboxInventoryTable>;

/** The two kinds of object a secret can be assigned to (the plugin's default `apps`), with their content-type ids. */
export const KINDS = {
  'dcim.device': { ctId: 1, appLabel: 'dcim', model: 'device', table: 'netbox_devices', path: '/api/dcim/devices/', label: 'Device', objectType: 'dcim.device' },
  'virtualization.virtualmachine': { ctId: 2, appLabel: 'virtualization', model: 'virtualmachine', table: 'netbox_virtual_machines', path: '/api/virtualization/virtual-machines/', label: 'VirtualMachine', objectType: 'virtualization.virtualmachine' },
} as const;
export type KindName = keyof typeof KINDS;
export type Kind = (typeof KINDS)[KindName];

export const kindOf = (name: string): Kind | undefined => (Object.hasOwn(KINDS, name) ? KINDS[name as KindName] : undefined);

/** Minimal devices and virtual machines (id, name, description), so nested `assigned_object`s are real objects. */
export function createInventoryService(nc: NetboxContext) {
  const { db } = nc;

  return {
    async list(kind: Kind, query: Query, page: { limit: number; offset: number }, scope: 'all' | Set<number>) {
      const where: Conditions = [];
      intFilter(where, query, 'id', 'id');
      textFilter(where, query, 'name', 'name');
      textFilter(where, query, 'description', 'description');
      const q = values(query, 'q')[0]?.trim();
      if (q) textFilter(where, { name__ic: q }, 'name', 'name');
      if (scope !== 'all') where.push(inIds('id', [...scope]));
      const cond = and(where);
      let base = db.selectFrom(kind.table);
      if (cond) base = base.where(cond);
      let rows = base.selectAll();
      for (const o of ordering(query, { id: 'id', name: 'name', created: 'created', last_updated: 'last_updated' })) rows = rows.orderBy(o.column as 'id', o.desc ? 'desc' : 'asc');
      const [{ n }, results] = await Promise.all([
        base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
        rows.orderBy('name').orderBy('id').limit(page.limit).offset(page.offset).execute(),
      ]);
      return { count: Number(n), rows: results };
    },

    async get(kind: Kind, id: number, scope: 'all' | Set<number> = 'all'): Promise<InventoryRow> {
      const row = await db.selectFrom(kind.table).selectAll().where('id', '=', id).executeTakeFirst();
      if (!row || (scope !== 'all' && !scope.has(id))) throw notFoundModel(kind.label);
      return row;
    },

    /** Rows by id for nested renderings; one query per kind. */
    async byIds(kind: Kind, ids: number[]): Promise<Map<number, InventoryRow>> {
      if (!ids.length) return new Map();
      const rows = await db.selectFrom(kind.table).selectAll().where('id', 'in', [...new Set(ids)]).execute();
      return new Map(rows.map((r) => [r.id, r]));
    },

    async idsByName(kind: Kind, names: string[]): Promise<number[]> {
      if (!names.length) return [];
      return (await db.selectFrom(kind.table).select('id').where('name', 'in', names).execute()).map((r) => r.id);
    },

    async save(actor: AuditActor, kind: Kind, id: number | undefined, body: Record<string, unknown>, partial: boolean): Promise<InventoryRow> {
      const name = body.name;
      const description = body.description;
      if (name !== undefined && (typeof name !== 'string' || !name.trim() || name.length > 64)) throw invalid('name', typeof name === 'string' && name.trim() ? 'Ensure this field has no more than 64 characters.' : 'This field may not be blank.');
      if (name === undefined && !partial) throw invalid('name', 'This field is required.');
      if (description !== undefined && (typeof description !== 'string' || description.length > 200)) throw invalid('description', 'Ensure this field has no more than 200 characters.');
      const now = nowIso();
      return db.transaction().execute(async (trx) => {
        let rowId = id;
        if (rowId === undefined) {
          rowId = (await trx.insertInto(kind.table).values({ name: (name as string).trim(), description: (description as string | undefined) ?? '', created: now, last_updated: now }).returning('id').executeTakeFirstOrThrow()).id;
        } else {
          const set: Record<string, unknown> = { last_updated: now };
          if (name !== undefined) set.name = (name as string).trim();
          if (description !== undefined) set.description = description;
          await trx.updateTable(kind.table).set(set).where('id', '=', rowId).execute();
        }
        await nc.audit.appendWithin(trx, actor, [{ engine: ENGINE, action: id === undefined ? NetboxAudit.inventoryCreate : NetboxAudit.inventoryUpdate, objectType: kind.objectType, objectId: rowId, details: { name: name ?? null } }]);
        return trx.selectFrom(kind.table).selectAll().where('id', '=', rowId).executeTakeFirstOrThrow();
      });
    },

    /**
     * Deleting an object deletes its secrets, as the original's generic relation (plugin) or FK cascade (2.x) does,
     * but only for a caller who may delete each of them: NetBox asks for no permission on what a delete cascades to,
     * which would let `dcim.device delete` destroy secrets its holder cannot even see. Each secret deleted is audited.
     */
    async remove(caller: Caller, actor: AuditActor, kind: Kind, id: number): Promise<void> {
      const kindName = `${kind.appLabel}.${kind.model}`;
      // Asked before the transaction (on SQLite a permission query inside it would wait for it), applied inside it.
      const deletable = await nc.ctx.permissions.scope(caller, 'delete', OT.secret);
      await db.transaction().execute(async (trx) => {
        const secrets = await trx.selectFrom('netbox_secrets').select('id').where('assigned_object_type', '=', kindName).where('assigned_object_id', '=', id).execute();
        const denied = deletable === 'all' ? 0 : secrets.filter((s) => !deletable.includes(String(s.id))).length;
        if (denied) throw forbidden(MSG.cascadeDenied(kind.label, secrets.length, denied));
        await trx.deleteFrom('netbox_secrets').where('assigned_object_type', '=', kindName).where('assigned_object_id', '=', id).execute();
        await trx.deleteFrom(kind.table).where('id', '=', id).execute();
        await nc.audit.appendWithin(trx, actor, [
          { engine: ENGINE, action: NetboxAudit.inventoryDelete, objectType: kind.objectType, objectId: id, details: { secrets_deleted: secrets.length } },
          ...secrets.map((s) => ({ engine: ENGINE, action: NetboxAudit.secretDelete, objectType: OT.secret, objectId: s.id, details: { cascade: kindName } })),
        ]);
      });
    },
  };
}

export type InventoryService = ReturnType<typeof createInventoryService>;
