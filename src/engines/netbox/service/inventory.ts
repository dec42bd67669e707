import type { Updateable } from 'kysely';
import { forbidden, invalid, isHushError, nowIso, type AuditActor, type Caller } from '../../../core/ports.js';
import { MSG, notFoundModel } from '../errors.js';
import { NetboxAudit } from '../events.js';
import { and, defineFilterSet, ordering, textFilter, values, type Conditions, type Query } from '../filters.js';
import type { InventoryRow } from '../repo.js';
import type { NetboxInventoryTable } from '../tables.js';
import { inIds, OT, type NetboxContext } from './context.js';

export type { InventoryRow } from '../repo.js';

/** One audit entry as this engine appends it (the core adds the engine's name). */
type EngineEvent = Parameters<NetboxContext['audit']['appendWithin']>[2][number];

/** The two kinds of object a secret can be assigned to (the plugin's default `apps`), with their content-type ids. */
export const KINDS = {
  'dcim.device': {
    ctId: 1,
    appLabel: 'dcim',
    model: 'device',
    table: 'netbox_devices',
    path: '/api/dcim/devices/',
    label: 'Device',
    objectType: 'dcim.device',
  },
  'virtualization.virtualmachine': {
    ctId: 2,
    appLabel: 'virtualization',
    model: 'virtualmachine',
    table: 'netbox_virtual_machines',
    path: '/api/virtualization/virtual-machines/',
    label: 'VirtualMachine',
    objectType: 'virtualization.virtualmachine',
  },
} as const;
export type KindName = keyof typeof KINDS;
export type Kind = (typeof KINDS)[KindName];

export const kindOf = (name: string): Kind | undefined =>
  Object.hasOwn(KINDS, name) ? KINDS[name as KindName] : undefined;

/** `name` and `description` as the original's serializer checks them; `name` is required unless `partial`. */
function checkInventory(
  body: Record<string, unknown>,
  partial: boolean,
): { name?: string | undefined; description?: string | undefined } {
  const { name, description } = body;
  if (name !== undefined && (typeof name !== 'string' || !name.trim() || name.length > 64))
    throw invalid(
      'name',
      typeof name === 'string' && name.trim()
        ? 'Ensure this field has no more than 64 characters.'
        : 'This field may not be blank.',
    );
  if (name === undefined && !partial) throw invalid('name', 'This field is required.');
  if (description !== undefined && (typeof description !== 'string' || description.length > 200))
    throw invalid('description', 'Ensure this field has no more than 200 characters.');
  return {
    name: typeof name === 'string' ? name : undefined,
    description: typeof description === 'string' ? description : undefined,
  };
}

/** What Hush models of NetBox's DeviceFilterSet and VirtualMachineFilterSet; the rest is refused. */
const INVENTORY_FILTERS = defineFilterSet({
  id: { kind: 'number', column: 'id' },
  name: { kind: 'text', column: 'name' },
  description: { kind: 'text', column: 'description' },
  created: { kind: 'date', column: 'created' },
  last_updated: { kind: 'date', column: 'last_updated' },
  q: { kind: 'search' },
});

/** Minimal devices and virtual machines (id, name, description), so nested `assigned_object`s are real objects. */
export function createInventoryService(nc: NetboxContext) {
  const { repo } = nc;

  const service = {
    async list(kind: Kind, query: Query, page: { limit: number; offset: number }, scope: 'all' | Set<number>) {
      const where: Conditions = INVENTORY_FILTERS.where(query);
      const q = values(query, 'q')[0]?.trim();
      if (q) textFilter(where, { name__ic: q }, 'name', 'name');
      if (scope !== 'all') where.push(inIds('id', [...scope]));
      return repo.listInventory(
        kind.table,
        and(where),
        ordering(query, { id: 'id', name: 'name', created: 'created', last_updated: 'last_updated' }),
        page,
      );
    },

    async get(kind: Kind, id: number, scope: 'all' | Set<number> = 'all'): Promise<InventoryRow> {
      const row = await repo.inventoryById(kind.table, id);
      if (!row || (scope !== 'all' && !scope.has(id))) throw notFoundModel(kind.label);
      return row;
    },

    /** Rows by id for nested renderings; one query per kind. */
    async byIds(kind: Kind, ids: number[]): Promise<Map<number, InventoryRow>> {
      if (!ids.length) return new Map();
      const rows = await repo.inventoryByIds(kind.table, [...new Set(ids)]);
      return new Map(rows.map((r) => [r.id, r]));
    },

    async idsByName(kind: Kind, names: string[]): Promise<number[]> {
      if (!names.length) return [];
      return repo.inventoryIdsByName(kind.table, names);
    },

    async save(
      actor: AuditActor,
      kind: Kind,
      id: number | undefined,
      body: Record<string, unknown>,
      partial: boolean,
      scope: 'all' | Set<number> = 'all',
    ): Promise<InventoryRow> {
      return (await service.saveMany(actor, kind, [{ id, body }], partial, scope))[0]!;
    },

    /**
     * Creates (`id` undefined) or updates every item in one transaction: all or nothing (NetBox's bulk writes). Each
     * object updated is found inside the transaction, by the UPDATE itself (which also holds its row until COMMIT):
     * one deleted by another request since the caller's view checked it is a 404 and nothing is written, never a
     * write to nothing. `scope` is the ids the caller may change.
     */
    async saveMany(
      actor: AuditActor,
      kind: Kind,
      items: readonly { id: number | undefined; body: Record<string, unknown> }[],
      partial: boolean,
      scope: 'all' | Set<number> = 'all',
    ): Promise<InventoryRow[]> {
      // Every item is checked before anything is written; a bad one names its place in the list.
      const inputs = items.map((item, i) => {
        try {
          return { id: item.id, ...checkInventory(item.body, partial) };
        } catch (e) {
          if (items.length === 1 || !isHushError(e)) throw e;
          throw invalid(`${i}.${e.problems[0]?.field ?? ''}`, e.problems[0]?.message ?? e.message);
        }
      });
      const now = nowIso();
      return repo.db.transaction().execute(async (trx) => {
        const out: InventoryRow[] = [];
        const events: EngineEvent[] = [];
        for (const input of inputs) out.push(await saveOne(trx, input, now, events));
        // The audit lock (the stripe's head row) is taken last, once every row this transaction writes is held: taken between two rows, it
        // would wait in a cycle with a concurrent delete of the second row waiting for the audit lock (PostgreSQL).
        await nc.audit.appendWithin(trx, actor, events);
        return out;
      });

      async function saveOne(
        trx: Parameters<typeof repo.insertInventory>[2],
        {
          id,
          name,
          description,
        }: { id: number | undefined; name?: string | undefined; description?: string | undefined },
        now: string,
        events: EngineEvent[],
      ): Promise<InventoryRow> {
        let rowId = id;
        if (rowId === undefined) {
          rowId = await repo.insertInventory(
            kind.table,
            { name: name!.trim(), description: description ?? '', created: now, last_updated: now },
            trx,
          );
        } else {
          const set: Updateable<NetboxInventoryTable> = { last_updated: now };
          if (name !== undefined) set.name = name.trim();
          if (description !== undefined) set.description = description;
          if (scope !== 'all' && !scope.has(rowId)) throw notFoundModel(kind.label);
          const [result] = await repo.updateInventory(kind.table, rowId, set, trx);
          if (!Number(result?.numUpdatedRows ?? 0)) throw notFoundModel(kind.label);
        }
        events.push({
          action: id === undefined ? NetboxAudit.inventoryCreate : NetboxAudit.inventoryUpdate,
          objectType: kind.objectType,
          objectId: rowId,
          details: { name: name ?? null },
        });
        return (await repo.inventoryById(kind.table, rowId, trx))!;
      }
    },

    /**
     * Deleting an object deletes its secrets, as the original's generic relation (plugin) or FK cascade (2.x) does,
     * but only for a caller who may delete each of them: NetBox asks for no permission on what a delete cascades to,
     * which would let `dcim.device delete` destroy secrets its holder cannot even see. Each secret deleted is audited.
     */
    async remove(
      caller: Caller,
      actor: AuditActor,
      kind: Kind,
      id: number,
      scope: 'all' | Set<number> = 'all',
    ): Promise<void> {
      await service.removeMany(caller, actor, kind, [id], scope);
    },

    /**
     * Deletes every object (and its secrets, as `remove` says) in one transaction: all or nothing. The object row is
     * deleted first, inside the transaction, so one already gone is a 404 and nothing is written, and the secrets
     * are read while the row is held: what is checked and audited is what goes. `scope`: the ids the caller may
     * delete.
     */
    async removeMany(
      caller: Caller,
      actor: AuditActor,
      kind: Kind,
      ids: readonly number[],
      scope: 'all' | Set<number> = 'all',
    ): Promise<void> {
      const kindName = `${kind.appLabel}.${kind.model}`;
      // Asked before the transaction (on SQLite a permission query inside it would wait for it), applied inside it.
      const deletable = await nc.ctx.permissions.scope(caller, 'delete', OT.secret);
      await repo.db.transaction().execute(async (trx) => {
        const events: EngineEvent[] = [];
        for (const id of new Set(ids)) await removeOne(trx, id, events);
        // Last, once every row is held (see saveMany).
        await nc.audit.appendWithin(trx, actor, events);
      });

      async function removeOne(trx: Parameters<typeof repo.secretsAssignedTo>[2], id: number, events: EngineEvent[]) {
        if (scope !== 'all' && !scope.has(id)) throw notFoundModel(kind.label);
        const [deleted] = await repo.deleteInventory(kind.table, id, trx);
        if (!Number(deleted?.numDeletedRows ?? 0)) throw notFoundModel(kind.label);
        const secrets = await repo.secretsAssignedTo(kindName, id, trx);
        const denied = deletable === 'all' ? 0 : secrets.filter((s) => !deletable.includes(String(s.id))).length;
        if (denied) throw forbidden(MSG.cascadeDenied(kind.label, secrets.length, denied));
        await repo.deleteSecretsAssignedTo(kindName, id, trx);
        events.push(
          {
            action: NetboxAudit.inventoryDelete,
            objectType: kind.objectType,
            objectId: id,
            details: { secrets_deleted: secrets.length },
          },
          ...secrets.map((s) => ({
            action: NetboxAudit.secretDelete,
            objectType: OT.secret,
            objectId: s.id,
            details: { cascade: kindName },
          })),
        );
      }
    },
  };
  return service;
}

export type InventoryService = ReturnType<typeof createInventoryService>;
