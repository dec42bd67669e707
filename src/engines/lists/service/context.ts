import {
  createRevisionCache,
  forbidden,
  readOfMany,
  type AuditEvent,
  type Caller,
  type EngineContext,
} from '../../../core/ports.js';
import { listNotFound } from '../errors.js';
import { ListsAudit } from '../events.js';
import { createListsRepo, type ListRow, type ListScope } from '../repo.js';
import type { ListsTables } from '../tables.js';

/** The object type of lists in Hush's permission model; a grant may name one list by id (NetBox's `constraints`). */
export const LIST_OBJECT = 'lists.list';
export const VALUE_OBJECT = 'lists.value';
export const ENGINE = 'lists';
export type ListAction = 'view' | 'add' | 'change' | 'delete';

/**
 * One audit entry per request that revealed values, naming every one (the core's convention: `details.objects`,
 * found by `object_id` searches): a listing or a render of a hundred values costs one entry, not a hundred.
 */
export function valueReads(
  values: readonly { id: string; list_id: number }[],
  details: Record<string, unknown> = {},
): AuditEvent[] {
  const lists = [...new Set(values.map((v) => v.list_id))];
  const objectId = values.length === 1 ? values[0]!.id : undefined;
  return readOfMany(
    {
      engine: ENGINE,
      action: ListsAudit.valueRead,
      objectType: VALUE_OBJECT,
      objectId,
      details: { lists, ...details },
    },
    values.map((v) => v.id),
  );
}

/** The sealed content of one value version. */
export interface ValueContent {
  secret_key: string;
  secret_value: string;
}

/** Values kept decrypted at most (a few hundred bytes each): bounded far below the memory target. */
const MAX_CACHED_VALUES = 20_000;

/** What the lists services share: repo, the value history (core versions), and the access rules. */
export function createListsContext(ctx: EngineContext<ListsTables>) {
  const repo = createListsRepo(ctx.store());
  const versions = ctx.versions.table<ValueContent>({ table: 'lists_value_versions', ownerColumn: 'value_id' });
  // Decrypted values, kept per version under the same rules as Phase's snapshots (HUSH_PLAINTEXT_CACHE_SECONDS): a
  // render or listing asked again and again decrypts each value once; a write by any process makes a new version,
  // which the row read by every request names. The key also carries the end of the ciphertext (that encryption's
  // tag), so a ciphertext swapped in the database is decrypted, and refused, instead of answered from memory.
  const opened = createRevisionCache<ValueContent>({
    idleMs: ctx.config.plaintextCacheSeconds * 1000,
    maxEntries: MAX_CACHED_VALUES,
  });
  const openValue = (row: { id: string; version: number; content_ct: string }) =>
    opened.get(`${row.id}:${row.content_ct.slice(-32)}`, row.version, () =>
      versions.open(row.id, row.version, row.content_ct),
    );

  async function scope(caller: Caller, action: ListAction = 'view'): Promise<ListScope> {
    const s = await ctx.permissions.scope(caller, action, LIST_OBJECT);
    return s === 'all' ? 'all' : s.filter((id) => /^\d+$/.test(id)).map(Number);
  }

  const canSee = (caller: Caller, list: { id: number }) => ctx.permissions.can(caller, 'view', LIST_OBJECT, list.id);

  return {
    ctx,
    repo,
    versions,
    openValue,
    scope,
    canSee,

    /**
     * `{secretList}` → the list: digits are an id, anything else a name (names cannot be only digits). A list the
     * caller may not view is not found, so names do not leak; one it may view but not act on is 403.
     */
    async listFor(caller: Caller, ref: string, action: ListAction = 'view'): Promise<ListRow> {
      const list = /^\d+$/.test(ref)
        ? Number(ref) <= 2 ** 31 - 1
          ? await repo.listById(Number(ref))
          : undefined
        : await repo.listByName(ref);
      if (!list || !(await canSee(caller, list))) throw listNotFound(ref);
      if (action !== 'view' && !(await ctx.permissions.can(caller, action, LIST_OBJECT, list.id))) throw forbidden();
      return list;
    },
  };
}

export type ListsContext = ReturnType<typeof createListsContext>;
