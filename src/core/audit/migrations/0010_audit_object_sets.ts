import type { Kysely } from 'kysely';
import type { HushMigration } from '../../store/migrate.js';

/**
 * Object sets (issue 18): a read of many (a listing of 100 secrets) indexed its entry under each object it named,
 * 100 rows of `core_audit_object` per read, scattered over that index, which was two thirds of the CPU of such a
 * read. The same listing is read again and again with the same ids, so the ids are now stored once per distinct set
 * and each entry points at its set:
 *
 * - `core_audit_set_member` (`object_id`, `set_id`): which sets hold an object; a set's id is a digest of its ids
 *   (sets.ts), so a set is written once whichever process meets it first, and never changes.
 * - `core_audit_entry_set` (`set_id`, `seq`): the set each such entry names; removed with its entry by an archive.
 *
 * Entries about few objects keep their rows in `core_audit_object`, as all earlier entries do. Derived, like that
 * table, from the entries, whose `details.objects` the chain's hashes cover.
 */
export const auditObjectSetsMigration: HushMigration = {
  name: '0010_audit_object_sets',
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('core_audit_set_member')
      .addColumn('object_id', 'text', (c) => c.notNull())
      .addColumn('set_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('core_audit_set_member_pk', ['object_id', 'set_id'])
      .execute();
    await db.schema
      .createTable('core_audit_entry_set')
      .addColumn('set_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('core_audit_entry_set_pk', ['set_id', 'seq'])
      .execute();
    // An archive removes by seq range.
    await db.schema.createIndex('core_audit_entry_set_seq').on('core_audit_entry_set').column('seq').execute();
  },
};
