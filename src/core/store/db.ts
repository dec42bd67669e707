import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase } from 'kysely';
import pg from 'pg';
import { postgresCapabilities, sqliteCapabilities, type DialectCapabilities } from './dialect.js';
import { textGuard } from './text-guard.js';

export interface Store {
  /** Untyped at this level: each module narrows it to its own tables (`Kysely<CoreTables>`, `Kysely<PhaseTables>`). */
  readonly db: Kysely<any>;
  readonly dialect: DialectCapabilities;
  /** A human-readable location without credentials, for logs. */
  readonly location: string;
  close(): Promise<void>;
}

export interface StoreOptions {
  databaseUrl: string | undefined;
  dataDir: string;
  /** Pool size for PostgreSQL. */
  maxConnections?: number;
}

// Seconds a SQLite writer waits for another process (e.g. `hush admin` next to a running server) before failing.
const SQLITE_BUSY_TIMEOUT_MS = 5000;

// Count bigint columns and aggregates come back as strings from pg; Hush's ids and counts fit a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export function openStore(options: StoreOptions): Store {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.maxConnections ?? 10 });
    // An idle client losing its server must not crash the process; the next query reports the problem.
    pool.on('error', () => undefined);
    const url = new URL(options.databaseUrl);
    const location = `postgres://${url.hostname}:${url.port || 5432}${url.pathname}`;
    return withClose(new Kysely<any>({ dialect: new PostgresDialect({ pool }), plugins: [textGuard] }), postgresCapabilities, location);
  }
  fs.mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(options.dataDir, 'hush.db');
  // Created owner-only before SQLite opens it; SQLite gives its -wal and -shm files the same mode.
  fs.closeSync(fs.openSync(file, 'a', 0o600));
  const database = new SQLite(file);
  database.pragma('journal_mode = WAL');
  database.pragma('foreign_keys = ON');
  database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  // WAL makes NORMAL durable against application crashes; only an OS crash can lose the last commits.
  database.pragma('synchronous = NORMAL');
  return withClose(new Kysely<any>({ dialect: new SqliteDialect({ database: withStatementCache(database) }), plugins: [textGuard] }), sqliteCapabilities, file);
}

// Statements Hush issues are a bounded set of shapes; beyond this many, the oldest is dropped.
const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely prepares every query anew; with better-sqlite3 that preparation costs more than running the query.
 * Statements are reusable (all calls are synchronous), so each distinct SQL text is prepared once.
 */
function withStatementCache(database: SQLite.Database): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => database.close(),
    prepare(sqlText: string) {
      let statement = cache.get(sqlText);
      if (!statement) {
        statement = database.prepare(sqlText);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
        cache.set(sqlText, statement);
      }
      return statement;
    },
  };
}

function withClose(db: Kysely<any>, dialect: DialectCapabilities, location: string): Store {
  return { db, dialect, location, close: () => db.destroy() };
}
