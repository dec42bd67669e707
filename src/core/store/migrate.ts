import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { HushError } from '../errors.js';
import type { DialectCapabilities } from './dialect.js';
import { isStoreFault } from './faults.js';
import type { AnyTables } from './tx.js';

/** One schema step. The same function runs on both dialects; `dialect` covers the few DDL differences. */
export interface HushMigration {
  /** Sortable and stable once released, e.g. `0001_identity`. */
  readonly name: string;
  up(db: Kysely<AnyTables>, dialect: DialectCapabilities): Promise<void>;
}

/** A module that owns tables: the core, or an engine. Each keeps its own migration history table. */
export interface MigrationSet {
  readonly module: string;
  readonly migrations: readonly HushMigration[];
}

/**
 * Applies every pending migration, core first, then each engine. Kysely's migrator takes a lock of its own,
 * so several Hush processes starting at once against one PostgreSQL database apply each step exactly once.
 */
export async function migrateAll(
  db: Kysely<AnyTables>,
  dialect: DialectCapabilities,
  sets: readonly MigrationSet[],
): Promise<void> {
  for (const set of sets) {
    const provider: MigrationProvider = {
      getMigrations: async () =>
        Object.fromEntries(
          set.migrations.map((m): [string, Migration] => [m.name, { up: (trxDb) => m.up(trxDb, dialect) }]),
        ),
    };
    const migrator = new Migrator({
      db,
      provider,
      migrationTableName: `${set.module}_migrations`,
      migrationLockTableName: `${set.module}_migrations_lock`,
    });
    const { error, results } = await migrator.migrateToLatest();
    if (error) {
      // An unreachable or full database is no migration's fault: say that, not which step was next.
      if (isStoreFault(error)) throw error;
      const failed = results?.find((r) => r.status === 'Error')?.migrationName;
      const detail = error instanceof Error ? error.message : String(error);
      // Without a failed step, the database refused the migration bookkeeping itself (login, missing database, rights).
      const message = failed
        ? `Migration ${set.module}/${failed} failed: ${detail}`
        : `The database refused to start the ${set.module} migrations: ${detail}`;
      throw new HushError('unavailable', message, { reason: 'migration_failed', cause: error });
    }
  }
}
