import {
  isHushError,
  isUniqueViolation,
  nowIso,
  randomId,
  type AuditActor,
  type Caller,
  type Db,
  type EngineAuditEvent,
} from '../../../core/ports.js';
import { listNameTaken } from '../errors.js';
import { ListsAudit } from '../events.js';
import type { ListRow } from '../repo.js';
import type { ListsTables } from '../tables.js';
import { checkListName } from '../validate.js';
import { LIST_OBJECT, type ListsContext } from './context.js';

// Generated names collide only by bad luck; a few attempts make a failure practically impossible.
const GENERATED_NAME_ATTEMPTS = 5;

/** Secret lists: create (named or not), rename, delete with every value, one transaction each. */
export function createListService(lc: ListsContext) {
  const { repo, ctx } = lc;
  const event = (
    action: string,
    list: { id: number; name: string },
    details: Record<string, unknown> = {},
  ): EngineAuditEvent => ({
    action,
    objectType: LIST_OBJECT,
    objectId: list.id,
    details: { name: list.name, ...details },
  });

  async function write<T>(name: string, work: (trx: Db<ListsTables>) => Promise<T>): Promise<T> {
    try {
      return await repo.db.transaction().execute(work);
    } catch (e) {
      if (isUniqueViolation(e)) throw listNameTaken(name);
      throw e;
    }
  }

  async function insert(actor: AuditActor, name: string): Promise<ListRow> {
    return write(name, async (trx) => {
      const id = await repo.insertList(name, nowIso(), trx);
      await ctx.audit.appendWithin(trx, actor, [event(ListsAudit.listCreate, { id, name })]);
      return (await repo.listById(id, trx))!;
    });
  }

  return {
    list: async (caller: Caller) => repo.listLists(await lc.scope(caller)),

    get: (caller: Caller, ref: string) => lc.listFor(caller, ref),

    /** The seed's `POST /api/secrets/lists` takes no payload: then a unique name is generated (`list-…`). */
    async create(actor: AuditActor, body: { name?: unknown }): Promise<ListRow> {
      if (body.name !== undefined) {
        const name = checkListName(body.name);
        if (await repo.listByName(name)) throw listNameTaken(name);
        return insert(actor, name);
      }
      for (let attempt = 1; ; attempt++) {
        const name = `list-${randomId(6).replace(/[-_]/g, 'x').toLowerCase()}`;
        if (await repo.listByName(name)) continue;
        try {
          return await insert(actor, name);
        } catch (e) {
          if (attempt >= GENERATED_NAME_ATTEMPTS || !(isHushError(e) && e.kind === 'conflict')) throw e;
        }
      }
    },

    /** `changed` is false for a rename to the name the list has: nothing is written then. */
    async rename(
      caller: Caller,
      actor: AuditActor,
      ref: string,
      body: { name?: unknown },
    ): Promise<{ list: ListRow; changed: boolean }> {
      const list = await lc.listFor(caller, ref, 'change');
      const name = checkListName(body.name);
      if (name === list.name) return { list, changed: false };
      const other = await repo.listByName(name);
      if (other) throw listNameTaken(name);
      const renamed = await write(name, async (trx) => {
        await repo.renameList(list.id, name, nowIso(), trx);
        await ctx.audit.appendWithin(trx, actor, [
          event(ListsAudit.listRename, { id: list.id, name }, { from: list.name }),
        ]);
        return (await repo.listById(list.id, trx))!;
      });
      return { list: renamed, changed: true };
    },

    /**
     * The list, its values and their history go in one transaction. False when a concurrent request deleted the
     * list first: the answer is the same, but this request changed nothing.
     */
    async remove(caller: Caller, actor: AuditActor, ref: string): Promise<boolean> {
      const list = await lc.listFor(caller, ref, 'delete');
      return repo.db.transaction().execute(async (trx) => {
        const current = await repo.listById(list.id, trx);
        if (!current) return false;
        await repo.deleteList(list.id, trx);
        await ctx.audit.appendWithin(trx, actor, [
          event(ListsAudit.listDelete, current, { values: current.value_count }),
        ]);
        return true;
      });
    },
  };
}

export type ListService = ReturnType<typeof createListService>;
