import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import {
  Kysely,
  PostgresDialect,
  SqliteDialect,
  type Dialect,
  type SqliteDatabase,
  type SqliteStatement,
} from 'kysely';
import pg from 'pg';
import { postgresCapabilities, sqliteCapabilities, type DialectCapabilities } from './dialect.js';
import { withFaultHandling } from './fault-dialect.js';
import { createStoreHealth, postgresHasRoom, sqliteHasRoom, type StoreHealth } from './health.js';
import { rowStatement } from './sqlite-rows.js';
import { startWalCheckpointer } from './wal-checkpointer.js';
import type { AnyTables } from './tx.js';

export interface Store {
  /** Untyped at this level: each module narrows it to its own tables (`Kysely<CoreTables>`, `Kysely<PhaseTables>`). */
  readonly db: Kysely<AnyTables>;
  readonly dialect: DialectCapabilities;
  /** A human-readable location without credentials, for logs. */
  readonly location: string;
  /** What the store has seen go wrong (a full disk), for readiness. */
  readonly health: StoreHealth;
  /** Whether a write would find room now (health.ts says how each dialect finds out). */
  hasRoom(): Promise<boolean>;
  close(): Promise<void>;
}

export interface StoreOptions {
  databaseUrl: string | undefined;
  dataDir: string;
  /** Pool size for PostgreSQL. */
  maxConnections?: number;
  /** Refuse to create the SQLite file (and its directory) when it does not exist yet. */
  mustExist?: boolean;
  /** SQLite: WAL checkpoints on a thread of their own (wal-checkpointer.ts), for a long-running server. */
  backgroundCheckpoints?: boolean;
}

/** Where the embedded database of a data directory lives. */
export const sqliteFile = (dataDir: string): string => path.join(dataDir, 'hush.db');

// Seconds a SQLite writer waits for another process (e.g. `hush admin` next to a running server) before failing.
const SQLITE_BUSY_TIMEOUT_MS = 5000;

// How long a request waits for a PostgreSQL connection (a new one, or a free one from a busy pool) before it is
// answered 503: long enough for a loaded pool, short enough that a client is told rather than left hanging.
const PG_CONNECT_TIMEOUT_MS = 10_000;

// Count bigint columns and aggregates come back as strings from pg; Hush's ids and counts fit a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export function openStore(options: StoreOptions): Store {
  const health = createStoreHealth();
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS,
    });
    // A client losing its server emits 'error'; unheard, that event ends the process. The pool listens to idle
    // clients only, so each client gets a listener for its whole life: the query it was running fails instead,
    // and the pool drops the client when it is released.
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
    const url = new URL(options.databaseUrl);
    const location = `postgres://${url.hostname}:${url.port || 5432}${url.pathname}`;
    const db = new Kysely<AnyTables>({
      dialect: withFaultHandling(new PostgresDialect({ pool }), {
        onFault: health.onFault,
        onWriteSaved: health.onWriteSaved,
        errorAbortsTransaction: true,
      }),
    });
    // Probing writes, so it runs only while a write has failed for lack of space.
    const hasRoom = async () => health.storageFullSince === undefined || postgresHasRoom(db);
    return store(db, postgresCapabilities, location, health, hasRoom);
  }
  const file = sqliteFile(options.dataDir);
  if (!options.mustExist) {
    fs.mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    // Created owner-only before SQLite opens it; SQLite gives its -wal and -shm files the same mode.
    fs.closeSync(fs.openSync(file, 'a', 0o600));
  }
  const database = new SQLite(file, { fileMustExist: options.mustExist ?? false });
  database.pragma('journal_mode = WAL');
  database.pragma('foreign_keys = ON');
  database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  // WAL makes NORMAL durable against application crashes; only an OS crash can lose the last commits.
  database.pragma('synchronous = NORMAL');
  const dialect: Dialect = withFaultHandling(new SqliteDialect({ database: withStatementCache(database) }), {
    onFault: health.onFault,
    onWriteSaved: health.onWriteSaved,
    // better-sqlite3 knows whether SQLite ended the transaction by itself (it does after SQLITE_FULL).
    transactionEnded: () => !database.inTransaction,
  });
  const db = new Kysely<AnyTables>({ dialect });
  const checkpointer = options.backgroundCheckpoints ? startWalCheckpointer(database, file) : undefined;
  const hasRoom = async () => {
    const room = await sqliteHasRoom(db, options.dataDir);
    // Measured, not guessed: the space is back.
    if (room) health.storageFullSince = undefined;
    return room;
  };
  return store(db, sqliteCapabilities, file, health, hasRoom, () => checkpointer?.stop());
}

// Beyond this many statements the least recently used is dropped: page bounds are written into the SQL
// (page-sql.ts), so a client paging through many offsets makes many texts, and must not push out the hot ones.
const STATEMENT_CACHE_SIZE = 500;
const SCHEMA_CHANGE = /^\s*(create|alter|drop)\s/i;

/**
 * Kysely prepares every query anew; with better-sqlite3 that preparation costs more than running the query.
 * Statements are reusable (all calls are synchronous), so each distinct SQL text is prepared once.
 */
function withStatementCache(database: SQLite.Database): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => database.close(),
    prepare(sqlText: string) {
      let statement = cache.get(sqlText);
      if (statement) {
        // Re-inserting keeps the Map in least-recently-used order.
        cache.delete(sqlText);
      } else {
        // A schema change (a migration) may change what a cached `select *` returns: start the cache afresh.
        if (SCHEMA_CHANGE.test(sqlText)) cache.clear();
        statement = rowStatement(database.prepare(sqlText));
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      }
      cache.set(sqlText, statement);
      return statement;
    },
  };
}

function store(
  db: Kysely<AnyTables>,
  dialect: DialectCapabilities,
  location: string,
  health: StoreHealth,
  hasRoom: () => Promise<boolean>,
  beforeClose?: () => Promise<void> | undefined,
): Store {
  const close = async () => {
    await beforeClose?.();
    await db.destroy();
  };
  return { db, dialect, location, health, hasRoom, close };
}
