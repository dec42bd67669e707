import { sql, type Kysely } from 'kysely';
import type { HushMigration } from './migrate.js';
import { LockName } from '../names.js';
import type { AnyTables } from './tx.js';

/** `core_locks` holds one row per named lock; see `takeLock` for why an UPDATE serialises writers. */
export const locksMigration: HushMigration = {
  name: '0001_locks',
  async up(db: Kysely<AnyTables>) {
    await db.schema
      .createTable('core_locks')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('counter', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    for (const name of Object.values(LockName)) {
      await sql`insert into core_locks (name, counter) values (${name}, 0)`.execute(db);
    }
  },
};
