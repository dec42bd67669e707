import type { Kysely } from 'kysely';
import type { HushMigration } from '../../store/migrate.js';

/**
 * Entries about many objects store their object set's id instead of the ids (sets.ts `ObjectSetRef`), so a set's
 * members are now read by set: to show an entry's objects, and for `verify` and `archive`, which check and export
 * them with the entry. 0010's primary key is (`object_id`, `set_id`), for searches by object; this is the other way.
 */
export const auditSetIndexMigration: HushMigration = {
  name: '0011_audit_set_index',
  async up(db: Kysely<any>) {
    await db.schema
      .createIndex('core_audit_set_member_set')
      .on('core_audit_set_member')
      .columns(['set_id', 'object_id'])
      .execute();
  },
};
