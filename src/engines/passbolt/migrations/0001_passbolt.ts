import type { Kysely } from 'kysely';
import type { HushMigration } from '../../../core/ports.js';

export const passboltInitial: HushMigration = {
  name: '0001_passbolt',
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('passbolt_accounts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'integer', (c) => c.notNull().unique())
      .addColumn('created', 'text', (c) => c.notNull())
      .addColumn('modified', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('passbolt_gpgkeys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) =>
        c.notNull().unique().references('passbolt_accounts.id').onDelete('cascade'),
      )
      .addColumn('armored_key', 'text', (c) => c.notNull())
      .addColumn('fingerprint', 'text', (c) => c.notNull())
      .addColumn('key_id', 'text', (c) => c.notNull())
      .addColumn('encryption_key_ids', 'text', (c) => c.notNull())
      .addColumn('bits', 'integer')
      .addColumn('uid', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('expires', 'text')
      .addColumn('key_created', 'text', (c) => c.notNull())
      .addColumn('created', 'text', (c) => c.notNull())
      .addColumn('modified', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('passbolt_resources')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('username', 'text')
      .addColumn('uri', 'text')
      .addColumn('description', 'text')
      .addColumn('resource_type_id', 'text', (c) => c.notNull())
      .addColumn('deleted', 'integer', (c) => c.notNull())
      .addColumn('expired', 'text')
      .addColumn('created', 'text', (c) => c.notNull())
      .addColumn('modified', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('modified_by', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('passbolt_permissions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('aco', 'text', (c) => c.notNull())
      .addColumn('aco_foreign_key', 'text', (c) => c.notNull().references('passbolt_resources.id').onDelete('cascade'))
      .addColumn('aro', 'text', (c) => c.notNull())
      .addColumn('aro_foreign_key', 'text', (c) => c.notNull().references('passbolt_accounts.id').onDelete('cascade'))
      .addColumn('type', 'integer', (c) => c.notNull())
      .addColumn('created', 'text', (c) => c.notNull())
      .addColumn('modified', 'text', (c) => c.notNull())
      .addUniqueConstraint('passbolt_permissions_pair', ['aco_foreign_key', 'aro_foreign_key'])
      .execute();
    // Listing "resources I can see" starts from the caller's permissions.
    await db.schema
      .createIndex('passbolt_permissions_aro')
      .on('passbolt_permissions')
      .columns(['aro_foreign_key', 'aco_foreign_key'])
      .execute();

    await db.schema
      .createTable('passbolt_secrets')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('resource_id', 'text', (c) => c.notNull().references('passbolt_resources.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('passbolt_accounts.id').onDelete('cascade'))
      .addColumn('data_ct', 'text', (c) => c.notNull())
      .addColumn('created', 'text', (c) => c.notNull())
      .addColumn('modified', 'text', (c) => c.notNull())
      .addUniqueConstraint('passbolt_secrets_pair', ['resource_id', 'user_id'])
      .execute();
    await db.schema
      .createIndex('passbolt_secrets_user')
      .on('passbolt_secrets')
      .columns(['user_id', 'resource_id'])
      .execute();

    await db.schema
      .createTable('passbolt_server_keys')
      .addColumn('kind', 'text', (c) => c.primaryKey())
      .addColumn('public_key', 'text', (c) => c.notNull())
      .addColumn('fingerprint', 'text', (c) => c.notNull())
      .addColumn('private_ct', 'text', (c) => c.notNull())
      .addColumn('created', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('passbolt_auth_tokens')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('account_id', 'text', (c) => c.notNull().references('passbolt_accounts.id').onDelete('cascade'))
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('active', 'integer', (c) => c.notNull())
      .addColumn('expires', 'text', (c) => c.notNull())
      .addColumn('created', 'text', (c) => c.notNull())
      .execute();
  },
};
