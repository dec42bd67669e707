import { sql, type Kysely } from 'kysely';
import type { HushMigration } from '../../../core/ports.js';

/**
 * Groups (passbolt_api's groups and groups_users tables) and permissions whose holder is a user or a group. The
 * permissions table is rebuilt without the foreign key that tied `aro_foreign_key` to an account: a group's id is no
 * account's. The service checks the holder instead (share.ts), and removes a group's permissions with the group.
 */
export const passboltGroups: HushMigration = {
  name: '0002_passbolt_groups',
  // One transaction on both dialects (Kysely's migrator opens one only where it calls DDL transactional, PostgreSQL):
  // a crash between dropping the old permissions table and renaming the new one must not leave neither.
  up: (db: Kysely<any>) => (db.isTransaction ? groupsUp(db) : db.transaction().execute(groupsUp)),
};

async function groupsUp(db: Kysely<any>) {
  await db.schema
    .createTable('passbolt_groups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    // Names are unique as Passbolt's validation has them: whatever the case.
    .addColumn('name_key', 'text', (c) => c.notNull().unique())
    .addColumn('created', 'text', (c) => c.notNull())
    .addColumn('modified', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('modified_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('passbolt_groups_users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('group_id', 'text', (c) => c.notNull().references('passbolt_groups.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('passbolt_accounts.id').onDelete('cascade'))
    .addColumn('is_admin', 'integer', (c) => c.notNull())
    .addColumn('created', 'text', (c) => c.notNull())
    .addUniqueConstraint('passbolt_groups_users_pair', ['group_id', 'user_id'])
    .execute();
  // "Which groups am I in" is asked on every permission check.
  await db.schema
    .createIndex('passbolt_groups_users_user')
    .on('passbolt_groups_users')
    .columns(['user_id', 'group_id'])
    .execute();

  await db.schema
    .createTable('passbolt_permissions_v2')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('aco', 'text', (c) => c.notNull())
    .addColumn('aco_foreign_key', 'text', (c) => c.notNull().references('passbolt_resources.id').onDelete('cascade'))
    .addColumn('aro', 'text', (c) => c.notNull())
    .addColumn('aro_foreign_key', 'text', (c) => c.notNull())
    .addColumn('type', 'integer', (c) => c.notNull())
    .addColumn('created', 'text', (c) => c.notNull())
    .addColumn('modified', 'text', (c) => c.notNull())
    .addUniqueConstraint('passbolt_permissions_holder', ['aco_foreign_key', 'aro_foreign_key'])
    .execute();
  await sql`INSERT INTO passbolt_permissions_v2 (id, aco, aco_foreign_key, aro, aro_foreign_key, type, created, modified)
      SELECT id, aco, aco_foreign_key, aro, aro_foreign_key, type, created, modified FROM passbolt_permissions`.execute(
    db,
  );
  await db.schema.dropTable('passbolt_permissions').execute();
  await db.schema.alterTable('passbolt_permissions_v2').renameTo('passbolt_permissions').execute();
  await db.schema
    .createIndex('passbolt_permissions_aro')
    .on('passbolt_permissions')
    .columns(['aro_foreign_key', 'aco_foreign_key'])
    .execute();
}
