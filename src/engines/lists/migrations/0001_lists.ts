import type { Kysely } from 'kysely';
import type { DialectCapabilities, HushMigration } from '../../../core/ports.js';

export const listsInitial: HushMigration = {
  name: '0001_lists',
  async up(db: Kysely<any>, d: DialectCapabilities) {
    await d
      .addIdColumn(db.schema.createTable('lists_lists'))
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('lists_values')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('list_id', 'integer', (c) => c.notNull().references('lists_lists.id').onDelete('cascade'))
      .addColumn('secret_key', 'text', (c) => c.notNull().unique())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('lists_values_list').on('lists_values').columns(['list_id', 'created_at']).execute();

    await db.schema
      .createTable('lists_value_versions')
      .addColumn('value_id', 'text', (c) => c.notNull().references('lists_values.id').onDelete('cascade'))
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('content_ct', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('actor_user_id', 'integer')
      .addPrimaryKeyConstraint('lists_value_versions_pk', ['value_id', 'version'])
      .execute();
  },
};
