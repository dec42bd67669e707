import type { Kysely } from 'kysely';
import type { HushMigration } from '../../../core/ports.js';

/**
 * `GET /api/secrets/all-values` pages by the key (list_id, created_at, id) (issue 18): this index holds that key in
 * order, so a page starts with a seek to the last key of the one before, at any depth. It also serves everything
 * 0001's (list_id, created_at) index served, which it replaces.
 */
export const listsValuesKeyset: HushMigration = {
  name: '0002_values_keyset',
  async up(db: Kysely<any>) {
    await db.schema
      .createIndex('lists_values_list_order')
      .on('lists_values')
      .columns(['list_id', 'created_at', 'id'])
      .execute();
    await db.schema.dropIndex('lists_values_list').execute();
  },
};
