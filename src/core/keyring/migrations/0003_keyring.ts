import type { Kysely } from 'kysely';
import type { DialectCapabilities } from '../../store/dialect.js';
import type { HushMigration } from '../../store/migrate.js';

export const keyringMigration: HushMigration = {
  name: '0003_keyring',
  async up(db: Kysely<any>, d: DialectCapabilities) {
    await d
      .addIdColumn(db.schema.createTable('core_data_keys'))
      // The data key sealed by the root key named in root_key_id; the clear key lives only in memory.
      .addColumn('wrapped_key', 'text', (c) => c.notNull())
      .addColumn('root_key_id', 'text', (c) => c.notNull())
      // 'active' seals new data; 'retired' only opens what it sealed before.
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('created', 'text', (c) => c.notNull())
      .execute();
  },
};
