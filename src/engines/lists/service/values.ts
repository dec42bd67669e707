import {
  HushError,
  isUniqueViolation,
  isUuid,
  newUuid,
  notFound,
  nowIso,
  type AuditActor,
  type AuditEvent,
  type Caller,
  type Db,
  type EngineAuditEvent,
} from '../../../core/ports.js';
import { keyTaken, valueNotFound } from '../errors.js';
import { ListsAudit } from '../events.js';
import type { ListRow, ValueKey, ValueRow } from '../repo.js';
import { valueJson, type ValueJson, type VersionJson } from '../serializers.js';
import type { ListsTables } from '../tables.js';
import { checkKey, checkValue, checkVersion, needsOneOf } from '../validate.js';
import { ENGINE, VALUE_OBJECT, valueReads, type ListAction, type ListsContext, type ValueContent } from './context.js';

/** Values: key/value pairs, every change a new sealed version (core versions), every batch one transaction. */
export function createValueService(lc: ListsContext) {
  const { repo, ctx, versions } = lc;

  const event = (
    action: string,
    v: { id: string; secret_key: string; version?: number },
    list: { id: number },
    extra: Record<string, unknown> = {},
  ): EngineAuditEvent => ({
    action,
    objectType: VALUE_OBJECT,
    objectId: v.id,
    details: { list: list.id, key: v.secret_key, ...(v.version ? { version: v.version } : {}), ...extra },
  });

  const open = async (row: ValueRow): Promise<ValueJson> => valueJson(row, (await lc.openValue(row)).secret_value);

  async function openAll(rows: ValueRow[]): Promise<{ values: ValueJson[]; reads: AuditEvent[] }> {
    return { values: await Promise.all(rows.map(open)), reads: valueReads(rows) };
  }

  /** `{secretListValue}` → a value of this list: a UUID is an id, anything else a key. */
  async function valueIn(caller: Caller, listRef: string, valueRef: string, action: ListAction) {
    const list = await lc.listFor(caller, listRef, action);
    const row = isUuid(valueRef) ? await repo.valueById(valueRef.toLowerCase()) : await repo.valueByKey(valueRef);
    if (!row || row.list_id !== list.id) throw valueNotFound(valueRef, list.name);
    return { list, row };
  }

  /** 409 naming the list that holds `key` (only if the caller may see that list). */
  async function keyConflict(caller: Caller, key: string, trx?: Db<ListsTables>): Promise<HushError> {
    const holder = await repo.valueByKey(key, trx);
    return keyTaken(key, holder && (await lc.canSee(caller, { id: holder.list_id })) ? holder.list_name : undefined);
  }

  /** Writes one new version of a value: its key and value; a taken key is 409 even when another writer races us. */
  async function writeVersion(
    caller: Caller,
    actor: AuditActor,
    list: ListRow,
    row: ValueRow,
    content: ValueContent,
    action: string,
    extra: Record<string, unknown> = {},
  ) {
    if (content.secret_key !== row.secret_key) {
      const other = await repo.valueByKey(content.secret_key);
      if (other && other.id !== row.id) throw await keyConflict(caller, content.secret_key);
    }
    const version = row.version + 1;
    const contentCt = await versions.seal(row.id, version, content);
    const now = nowIso();
    try {
      await repo.db.transaction().execute(async (trx) => {
        await repo.updateValue(row.id, { secret_key: content.secret_key, version, updated_at: now }, trx);
        await versions.append(trx, { owner: row.id, version, contentCt, createdAt: now, actorUserId: actor.userId });
        await ctx.audit.appendWithin(trx, actor, [
          event(action, { id: row.id, secret_key: content.secret_key, version }, list, extra),
        ]);
      });
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      const other = await repo.valueByKey(content.secret_key);
      if (other && other.id !== row.id) throw await keyConflict(caller, content.secret_key);
      throw new HushError(
        'conflict',
        'The value was changed by another request at the same time; read it again and retry.',
        { reason: 'concurrent_update' },
      );
    }
    return valueJson({ ...row, secret_key: content.secret_key, version, updated_at: now }, content.secret_value);
  }

  return {
    /** An offset page of every visible value (`?offset=`, kept for clients that send it; slow at depth). */
    /** An offset page of every visible value, and whether more follow it (one more row than asked tells). */
    async all(caller: Caller, page: { limit: number; offset: number }) {
      const rows = await repo.valuesIn(await lc.scope(caller), undefined, { ...page, limit: page.limit + 1 });
      const more = rows.length > page.limit;
      if (more) rows.length = page.limit;
      return { ...(await openAll(rows)), more };
    },

    /** A keyset page of every visible value, and the key the next one starts after (none on the last page). */
    async allAfter(caller: Caller, after: ValueKey | undefined, limit: number) {
      // One more than asked tells whether there is a next page without a count.
      const rows = await repo.valuesAfter(await lc.scope(caller), after, limit + 1);
      const more = rows.length > limit;
      if (more) rows.length = limit;
      const last = rows[rows.length - 1];
      return { ...(await openAll(rows)), next: more && last ? last : undefined };
    },

    async inList(caller: Caller, listRef: string, page?: { limit: number; offset: number }) {
      const list = await lc.listFor(caller, listRef);
      return openAll(await repo.valuesIn('all', list.id, page));
    },

    async get(caller: Caller, listRef: string, valueRef: string) {
      const { row } = await valueIn(caller, listRef, valueRef, 'view');
      return openAll([row]);
    },

    async create(
      caller: Caller,
      actor: AuditActor,
      listRef: string,
      body: { secret_key?: unknown; secret_value?: unknown },
    ): Promise<ValueJson> {
      const list = await lc.listFor(caller, listRef, 'add');
      if (body.secret_key === undefined) throw needsOneOf(['secret_key']);
      if (body.secret_value === undefined) throw needsOneOf(['secret_value']);
      const content: ValueContent = {
        secret_key: checkKey(body.secret_key),
        secret_value: checkValue(body.secret_value),
      };
      if (await repo.valueByKey(content.secret_key)) throw await keyConflict(caller, content.secret_key);
      const id = newUuid();
      const contentCt = await versions.seal(id, 1, content);
      const now = nowIso();
      try {
        await repo.db.transaction().execute(async (trx) => {
          await repo.insertValue({ id, list_id: list.id, secret_key: content.secret_key, created_at: now }, trx);
          await versions.append(trx, { owner: id, version: 1, contentCt, createdAt: now, actorUserId: actor.userId });
          await ctx.audit.appendWithin(trx, actor, [
            event(ListsAudit.valueCreate, { id, secret_key: content.secret_key, version: 1 }, list),
          ]);
        });
      } catch (e) {
        if (isUniqueViolation(e)) throw await keyConflict(caller, content.secret_key);
        throw e;
      }
      return valueJson(
        { id, list_name: list.name, secret_key: content.secret_key, version: 1, created_at: now, updated_at: now },
        content.secret_value,
      );
    },

    /** The seed's update: a new value, a new key, or both; the version grows by one. */
    async update(
      caller: Caller,
      actor: AuditActor,
      listRef: string,
      valueRef: string,
      body: { secret_key?: unknown; secret_value?: unknown },
    ) {
      if (body.secret_key === undefined && body.secret_value === undefined)
        throw needsOneOf(['secret_value', 'secret_key']);
      const { list, row } = await valueIn(caller, listRef, valueRef, 'change');
      const key = body.secret_key === undefined ? row.secret_key : checkKey(body.secret_key);
      const value =
        body.secret_value === undefined
          ? (await versions.open(row.id, row.version, row.content_ct)).secret_value
          : checkValue(body.secret_value);
      const written = await writeVersion(
        caller,
        actor,
        list,
        row,
        { secret_key: key, secret_value: value },
        ListsAudit.valueUpdate,
      );
      return {
        value: written,
        reads: body.secret_value === undefined ? valueReads([{ id: row.id, list_id: list.id }]) : [],
      };
    },

    async remove(caller: Caller, actor: AuditActor, listRef: string, valueRef: string): Promise<void> {
      const { list, row } = await valueIn(caller, listRef, valueRef, 'delete');
      await repo.db.transaction().execute(async (trx) => {
        await repo.deleteValue(row.id, trx);
        await ctx.audit.appendWithin(trx, actor, [event(ListsAudit.valueDelete, row, list)]);
      });
    },

    /** Every version, oldest first. Beyond NetActuate. */
    async history(
      caller: Caller,
      listRef: string,
      valueRef: string,
    ): Promise<{ versions: VersionJson[]; reads: AuditEvent[] }> {
      const { list, row } = await valueIn(caller, listRef, valueRef, 'view');
      const stored = await versions.history(row.id);
      return {
        versions: stored.map((v) => ({
          version: v.version,
          secret_key: v.content.secret_key,
          secret_value: v.content.secret_value,
          created_at: v.createdAt,
          actor: v.actorUserId,
        })),
        // Reads reach the log through the core's plaintext hook, not the engine's audit port: they name the engine.
        reads: [{ ...event(ListsAudit.valueHistoryRead, row, list, { versions: stored.length }), engine: ENGINE }],
      };
    },

    /** Writes version n's key and value again as a new version (history is never rewritten). Beyond NetActuate. */
    async restore(caller: Caller, actor: AuditActor, listRef: string, valueRef: string, body: { version?: unknown }) {
      const version = checkVersion(body.version);
      const { list, row } = await valueIn(caller, listRef, valueRef, 'change');
      const old = await versions.restorable(row.id, version);
      if (!old) throw notFound(`Version ${version} of "${row.secret_key}"`);
      const written = await writeVersion(caller, actor, list, row, old.content, ListsAudit.valueRestore, {
        from_version: version,
      });
      return { value: written, reads: valueReads([{ id: row.id, list_id: list.id }]) };
    },
  };
}

export type ValueService = ReturnType<typeof createValueService>;
