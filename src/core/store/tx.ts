import { sql, type Kysely, type Transaction } from 'kysely';
import type { LockName } from '../names.js';

/** A handle that is either the database or an open transaction; repo functions accept either. */
export type Db<T> = Kysely<T> | Transaction<T>;

/**
 * The tables of a handle the core cannot name: the composed database spans every engine's tables, and a caller's
 * transaction is typed with the caller's own. Kysely's table maps are invariant, so no narrower type admits both.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the one place the store's table map is left open
export type AnyTables = any;

/** A handle (database or transaction) over tables the core does not name. */
export type AnyDb = Db<AnyTables>;

/**
 * Serialises writers across processes for the rest of the transaction: on PostgreSQL the row lock is held until
 * COMMIT; on SQLite the UPDATE takes the database write lock (so a deferred transaction never has to upgrade its
 * lock later and fail with SQLITE_BUSY).
 */
export async function takeLock(trx: Transaction<AnyTables>, name: LockName): Promise<void> {
  await sql`update core_locks set counter = counter + 1 where name = ${name}`.execute(trx);
}

/** Runs `work` in one transaction holding `lock`. Keep crypto and network out of `work` (docs/architecture.md §12). */
export function withLock<T, R>(db: Kysely<T>, name: LockName, work: (trx: Transaction<T>) => Promise<R>): Promise<R> {
  return db.transaction().execute(async (trx) => {
    await takeLock(trx as Transaction<AnyTables>, name);
    return work(trx);
  });
}
