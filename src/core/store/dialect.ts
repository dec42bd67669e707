import { sql, type ColumnDefinitionBuilder, type CreateTableBuilder, type Kysely } from 'kysely';
import type { AnyTables } from './tx.js';

/**
 * What differs between SQLite and PostgreSQL, as capabilities. Code branches on these, never on a URL.
 * Everything else (text timestamps in ISO-8601 UTC, integer 0/1 booleans, JSON as text) is chosen to be the
 * same on both, so one set of migrations serves both dialects.
 */
export interface DialectCapabilities {
  readonly name: 'sqlite' | 'postgres';
  /** Adds an auto-incrementing integer primary key column named `id`. */
  addIdColumn(table: CreateTableBuilder<AnyTables, AnyTables>): CreateTableBuilder<AnyTables, AnyTables>;
  /** Column type for a 64-bit integer foreign key to an `id` column. */
  readonly idType: 'integer';
  /** True when concurrent writers from several processes are expected (decides whether a cache may be trusted). */
  readonly sharedByProcesses: boolean;
}

export const sqliteCapabilities: DialectCapabilities = {
  name: 'sqlite',
  addIdColumn: (table) =>
    table.addColumn('id', 'integer', (c: ColumnDefinitionBuilder) => c.primaryKey().autoIncrement()),
  idType: 'integer',
  sharedByProcesses: false,
};

export const postgresCapabilities: DialectCapabilities = {
  name: 'postgres',
  addIdColumn: (table) => table.addColumn('id', 'serial', (c: ColumnDefinitionBuilder) => c.primaryKey()),
  idType: 'integer',
  sharedByProcesses: true,
};

/** A cheap round trip: is the database there? */
export async function ping(db: Kysely<unknown>): Promise<void> {
  await sql`select 1`.execute(db);
}
