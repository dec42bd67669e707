import fs from 'node:fs';
import { sql, type Kysely } from 'kysely';
import { nowIso } from '../ids.js';
import type { Store } from './db.js';
import type { FaultHooks } from './fault-dialect.js';
import { isStoreFault, StoreFaultReason, type StoreFault } from './faults.js';
import { ping } from './dialect.js';
import type { AnyTables } from './tx.js';

/** What the store has seen of its own health, for readiness checks. */
export interface StoreHealth {
  /** Set when a write failed for lack of space; cleared by the next write that is saved. */
  storageFullSince: string | undefined;
}

export function createStoreHealth(): StoreHealth & Pick<FaultHooks, 'onFault' | 'onWriteSaved'> {
  const health: StoreHealth & Pick<FaultHooks, 'onFault' | 'onWriteSaved'> = {
    storageFullSince: undefined,
    onFault(fault: StoreFault) {
      if (fault === 'storage_full') health.storageFullSince ??= nowIso();
    },
    onWriteSaved() {
      health.storageFullSince = undefined;
    },
  };
  return health;
}

/**
 * Below this much room Hush reports itself full: a write of a few secrets with their audit entries and index pages
 * needs some tens of kilobytes, a batch import a few hundred, and the WAL grows before it is checkpointed.
 */
const STORAGE_RESERVE_BYTES = 1024 * 1024;

async function pragma(db: Kysely<AnyTables>, name: string): Promise<number> {
  const { rows } = await sql<Record<string, number>>`pragma ${sql.raw(name)}`.execute(db);
  return Number(Object.values(rows[0] ?? {})[0] ?? 0);
}

/**
 * SQLite can say exactly how much room it has: free pages below its page limit (`max_page_count`) and free space on
 * the file system of its directory. No write is needed to find out.
 */
export async function sqliteHasRoom(db: Kysely<AnyTables>, dir: string): Promise<boolean> {
  const [pageSize, pageCount, maxPages, freePages] = [
    await pragma(db, 'page_size'),
    await pragma(db, 'page_count'),
    await pragma(db, 'max_page_count'),
    await pragma(db, 'freelist_count'),
  ];
  if ((maxPages - pageCount + freePages) * pageSize < STORAGE_RESERVE_BYTES) return false;
  const disk = await fs.promises.statfs(dir);
  return disk.bavail * disk.bsize >= STORAGE_RESERVE_BYTES;
}

// Rows of just under 2 kB are stored as they are (PostgreSQL compresses or moves out larger values), so each row
// takes real space: together a few pages, enough to make PostgreSQL extend a file.
const PROBE_ROWS = 16;
const PROBE_ROW_BYTES = 1800;

/**
 * PostgreSQL's disk is on its own host: the only way to know whether it has room is to write. The probe writes a few
 * pages into a temporary table dropped at commit; the commit, a saved write, clears the full state.
 */
export async function postgresHasRoom(db: Kysely<AnyTables>): Promise<boolean> {
  try {
    await db.transaction().execute(async (trx) => {
      await sql`create temporary table hush_room_probe (pad text) on commit drop`.execute(trx);
      await sql`insert into hush_room_probe select repeat('x', ${PROBE_ROW_BYTES}::int) from generate_series(1, ${PROBE_ROWS}::int)`.execute(
        trx,
      );
    });
    return true;
  } catch (e) {
    if (isStoreFault(e, StoreFaultReason.storageFull)) return false;
    throw e;
  }
}

export type Readiness = { ready: true } | { ready: false; fault: StoreFault; cause: unknown };

/** Can the store serve reads and writes now? A database that answers but has no room to write is not ready. */
export async function checkReadiness(store: Pick<Store, 'db' | 'hasRoom'>): Promise<Readiness> {
  try {
    await ping(store.db);
    if (await store.hasRoom()) return { ready: true };
    return { ready: false, fault: 'storage_full', cause: undefined };
  } catch (e) {
    return {
      ready: false,
      fault: isStoreFault(e, StoreFaultReason.storageFull) ? 'storage_full' : 'database_unavailable',
      cause: e,
    };
  }
}
