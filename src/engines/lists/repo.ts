import type { Kysely, Selectable } from 'kysely';
import { literalCount, type Db } from '../../core/ports.js';
import type { ListsListTable, ListsTables, ListsValueTable } from './tables.js';

/** A list with the number of values it holds. */
export type ListRow = Selectable<ListsListTable> & { value_count: number };
/** A value joined with its list's name and the ciphertext of its current version. */
export type ValueRow = Selectable<ListsValueTable> & { list_name: string; content_ct: string };

/** Where a page of values ends: the order key of its last value, which the next page starts after. */
export interface ValueKey {
  list_id: number;
  created_at: string;
  id: string;
}

/** Which lists a caller may see: every one, or these ids. */
export type ListScope = 'all' | number[];

// A template may name tens of thousands of keys; SQLite binds at most 32,766 parameters per statement.
const KEYS_PER_QUERY = 1000;

/** Queries on lists_* tables only (docs/architecture.md §6). */
export function createListsRepo(db: Kysely<ListsTables>) {
  const lists = (trx: Db<ListsTables>) =>
    trx
      .selectFrom('lists_lists')
      .select(['lists_lists.id', 'lists_lists.name', 'lists_lists.created_at', 'lists_lists.updated_at'])
      .select((eb) =>
        eb
          .selectFrom('lists_values')
          .whereRef('lists_values.list_id', '=', 'lists_lists.id')
          .select((e) => e.fn.countAll<number>().as('n'))
          .as('value_count'),
      );

  const values = (trx: Db<ListsTables>) =>
    trx
      .selectFrom('lists_values')
      .innerJoin('lists_lists', 'lists_lists.id', 'lists_values.list_id')
      .innerJoin('lists_value_versions', (j) =>
        j
          .onRef('lists_value_versions.value_id', '=', 'lists_values.id')
          .onRef('lists_value_versions.version', '=', 'lists_values.version'),
      )
      .select([
        'lists_values.id',
        'lists_values.list_id',
        'lists_values.secret_key',
        'lists_values.version',
        'lists_values.created_at',
        'lists_values.updated_at',
        'lists_lists.name as list_name',
        'lists_value_versions.content_ct',
      ]);

  // PostgreSQL returns count(*) as a string (bigint).
  const counted = (r: Omit<ListRow, 'value_count'> & { value_count: number | string | null }): ListRow => ({
    ...r,
    value_count: Number(r.value_count ?? 0),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the list and value builders share only where(); their Kysely types do not unify
  const inScope = <Q extends { where: (...a: any[]) => Q }>(q: Q, column: string, scope: ListScope): Q =>
    scope === 'all' ? q : q.where(column, 'in', scope.length ? scope : [0]);

  return {
    db,

    async listLists(scope: ListScope): Promise<ListRow[]> {
      return (await inScope(lists(db), 'lists_lists.id', scope).orderBy('lists_lists.id').execute()).map(counted);
    },
    async listById(id: number, trx: Db<ListsTables> = db): Promise<ListRow | undefined> {
      const row = await lists(trx).where('lists_lists.id', '=', id).executeTakeFirst();
      return row && counted(row);
    },
    async listByName(name: string, trx: Db<ListsTables> = db): Promise<ListRow | undefined> {
      const row = await lists(trx).where('lists_lists.name', '=', name).executeTakeFirst();
      return row && counted(row);
    },
    insertList: async (name: string, now: string, trx: Db<ListsTables>): Promise<number> =>
      (
        await trx
          .insertInto('lists_lists')
          .values({ name, created_at: now, updated_at: now })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id,
    renameList: (id: number, name: string, now: string, trx: Db<ListsTables>) =>
      trx.updateTable('lists_lists').set({ name, updated_at: now }).where('id', '=', id).execute(),
    /** Values and their versions go with it (foreign keys cascade on both dialects). */
    deleteList: (id: number, trx: Db<ListsTables>) => trx.deleteFrom('lists_lists').where('id', '=', id).execute(),

    /** Values of the lists in scope (optionally one list), in a stable order: list, then creation. */
    valuesIn: (scope: ListScope, listId?: number, page?: { limit: number; offset: number }) => {
      let q = inScope(values(db), 'lists_values.list_id', scope);
      if (listId !== undefined) q = q.where('lists_values.list_id', '=', listId);
      q = q.orderBy('lists_values.list_id').orderBy('lists_values.created_at').orderBy('lists_values.id');
      if (page) q = q.limit(literalCount(page.limit)).offset(literalCount(page.offset));
      return q.execute();
    },
    /**
     * Up to `limit` values of the lists in scope after `after` (from the first without), in the order of
     * `valuesIn`: a keyset page, one index seek (lists_values_list_order) whatever its depth, never an OFFSET.
     */
    valuesAfter: (scope: ListScope, after: ValueKey | undefined, limit: number) => {
      let q = inScope(values(db), 'lists_values.list_id', scope);
      if (after)
        q = q.where((eb) =>
          eb(
            eb.refTuple('lists_values.list_id', 'lists_values.created_at', 'lists_values.id'),
            '>',
            eb.tuple(after.list_id, after.created_at, after.id),
          ),
        );
      return q
        .orderBy('lists_values.list_id')
        .orderBy('lists_values.created_at')
        .orderBy('lists_values.id')
        .limit(limit)
        .execute();
    },
    valueById: (id: string, trx: Db<ListsTables> = db) =>
      values(trx).where('lists_values.id', '=', id).executeTakeFirst(),
    valueByKey: (key: string, trx: Db<ListsTables> = db) =>
      values(trx).where('lists_values.secret_key', '=', key).executeTakeFirst(),
    /** Values by key, in chunks that stay under either dialect's limit on bound parameters. */
    async valuesByKeys(keys: readonly string[]): Promise<ValueRow[]> {
      const rows: ValueRow[] = [];
      for (let i = 0; i < keys.length; i += KEYS_PER_QUERY)
        rows.push(
          ...(await values(db)
            .where('lists_values.secret_key', 'in', keys.slice(i, i + KEYS_PER_QUERY))
            .execute()),
        );
      return rows;
    },

    insertValue: (row: { id: string; list_id: number; secret_key: string; created_at: string }, trx: Db<ListsTables>) =>
      trx
        .insertInto('lists_values')
        .values({ ...row, version: 1, updated_at: row.created_at })
        .execute(),
    updateValue: (id: string, set: { secret_key: string; version: number; updated_at: string }, trx: Db<ListsTables>) =>
      trx.updateTable('lists_values').set(set).where('id', '=', id).execute(),
    deleteValue: (id: string, trx: Db<ListsTables>) => trx.deleteFrom('lists_values').where('id', '=', id).execute(),
  };
}

export type ListsRepo = ReturnType<typeof createListsRepo>;
