import { sql, type Kysely, type Transaction } from 'kysely';
import type { LockName } from '../names.js';

/** A handle that is either the database or an open transaction; repo functions accept either. */
export type Db<T> = Kysely<T> | Transaction<T>;

/**
 * Serialises writers across processes for the rest of the transaction: on PostgreSQL the row lock is held until
 * COMMIT; on SQLite the UPDATE takes the database write lock (so a deferred transaction never has to upgrade its
 * lock later and fail with SQLITE_BUSY).
 */
export async function takeLock(trx: Transaction<any>, name: LockName): Promise<void> {
  await sql`update core_locks set counter = counter + 1 where name = ${name}`.execute(trx);
}

/** Runs `work` in one transaction holding `lock`. Keep crypto and network out of `work` (docs/architecture.md §12). */
export function withLock<T, R>(db: Kysely<T>, name: LockName, work: (trx: Transaction<T>) => Promise<R>): Promise<R> {
  return db.transaction().execute(async (trx) => {
    await takeLock(trx as Transaction<any>, name);
    return work(trx);
  });
}
