import { sql, type Kysely } from 'kysely';
import type { DialectCapabilities, HushMigration } from '../../../core/ports.js';

export const netboxInitial: HushMigration = {
  name: '0001_netbox',
  async up(db: Kysely<any>, dialect: DialectCapabilities) {
    await dialect
      .addIdColumn(db.schema.createTable('netbox_user_keys'))
      .addColumn('user_id', 'integer', (c) => c.notNull().unique())
      .addColumn('public_key', 'text', (c) => c.notNull())
      .addColumn('master_key_cipher', 'text')
      .addColumn('created', 'text', (c) => c.notNull())
      .addColumn('last_updated', 'text', (c) => c.notNull())
      .execute();

    await dialect
      .addIdColumn(db.schema.createTable('netbox_session_keys'))
      .addColumn('userkey_id', 'integer', (c) =>
        c.notNull().unique().references('netbox_user_keys.id').onDelete('cascade'),
      )
      .addColumn('seal_id', 'text', (c) => c.notNull())
      .addColumn('cipher', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addColumn('created', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('netbox_state')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('master_key_generation', 'integer', (c) => c.notNull())
      .execute();
    await sql`insert into netbox_state (id, master_key_generation) values (1, 0)`.execute(db);

    await dialect
      .addIdColumn(db.schema.createTable('netbox_secret_roles'))
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('slug', 'text', (c) => c.notNull().unique())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('comments', 'text', (c) => c.notNull())
      .addColumn('parent_id', 'integer', (c) => c.references('netbox_secret_roles.id').onDelete('cascade'))
      .addColumn('created', 'text', (c) => c.notNull())
      .addColumn('last_updated', 'text', (c) => c.notNull())
      .execute();

    for (const table of ['netbox_devices', 'netbox_virtual_machines']) {
      await dialect
        .addIdColumn(db.schema.createTable(table))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('created', 'text', (c) => c.notNull())
        .addColumn('last_updated', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex(`${table}_name`).on(table).column('name').execute();
    }

    await dialect
      .addIdColumn(db.schema.createTable('netbox_secrets'))
      .addColumn('assigned_object_type', 'text', (c) => c.notNull())
      .addColumn('assigned_object_id', 'integer', (c) => c.notNull())
      // The original protects a role in use (FK PROTECT): deleting it is a 409.
      .addColumn('role_id', 'integer', (c) => c.notNull().references('netbox_secret_roles.id').onDelete('restrict'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('seal_id', 'text', (c) => c.notNull())
      .addColumn('ciphertext', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('comments', 'text', (c) => c.notNull())
      .addColumn('created', 'text', (c) => c.notNull())
      .addColumn('last_updated', 'text', (c) => c.notNull())
      .addUniqueConstraint('netbox_secrets_unique', ['assigned_object_type', 'assigned_object_id', 'role_id', 'name'])
      .execute();
    await db.schema.createIndex('netbox_secrets_role').on('netbox_secrets').columns(['role_id', 'name']).execute();
    await db.schema
      .createIndex('netbox_secrets_object')
      .on('netbox_secrets')
      .columns(['assigned_object_id', 'assigned_object_type'])
      .execute();
  },
};
