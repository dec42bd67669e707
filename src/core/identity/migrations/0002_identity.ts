import type { Kysely } from 'kysely';
import type { DialectCapabilities } from '../../store/dialect.js';
import type { HushMigration } from '../../store/migrate.js';

export const identityMigration: HushMigration = {
  name: '0002_identity',
  async up(db: Kysely<any>, d: DialectCapabilities) {
    await d
      .addIdColumn(db.schema.createTable('core_users'))
      .addColumn('username', 'text', (c) => c.notNull().unique())
      .addColumn('email', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('first_name', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('last_name', 'text', (c) => c.notNull().defaultTo(''))
      // 'person' or 'service': engines (Phase) treat service accounts differently, e.g. no personal overrides.
      .addColumn('kind', 'text', (c) => c.notNull().defaultTo('person'))
      .addColumn('password_hash', 'text')
      .addColumn('is_superuser', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created', 'text', (c) => c.notNull())
      .addColumn('last_login', 'text')
      .execute();

    await d
      .addIdColumn(db.schema.createTable('core_tokens'))
      .addColumn('user_id', 'integer', (c) => c.notNull().references('core_users.id').onDelete('cascade'))
      // SHA-256 of the key: the key itself is never stored (see identity/README.md).
      .addColumn('key_hash', 'text', (c) => c.notNull().unique())
      .addColumn('key_hint', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('created', 'text', (c) => c.notNull())
      .addColumn('expires', 'text')
      .addColumn('last_used', 'text')
      .addColumn('write_enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
    await db.schema.createIndex('core_tokens_user_id').on('core_tokens').column('user_id').execute();

    await d
      .addIdColumn(db.schema.createTable('core_sessions'))
      .addColumn('user_id', 'integer', (c) => c.notNull().references('core_users.id').onDelete('cascade'))
      .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
      .addColumn('csrf_hash', 'text', (c) => c.notNull())
      .addColumn('created', 'text', (c) => c.notNull())
      .addColumn('expires', 'text', (c) => c.notNull())
      .execute();

    await d
      .addIdColumn(db.schema.createTable('core_permissions'))
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      // JSON arrays as text: e.g. ["netbox_secrets.secret"] and ["view","change"].
      .addColumn('object_types', 'text', (c) => c.notNull())
      .addColumn('actions', 'text', (c) => c.notNull())
      // When set, the grant covers only this one object of each listed type.
      .addColumn('object_id', 'text')
      .addColumn('created', 'text', (c) => c.notNull())
      .addColumn('last_updated', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('core_permission_users')
      .addColumn('permission_id', 'integer', (c) => c.notNull().references('core_permissions.id').onDelete('cascade'))
      .addColumn('user_id', 'integer', (c) => c.notNull().references('core_users.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('core_permission_users_pk', ['permission_id', 'user_id'])
      .execute();
    await db.schema.createIndex('core_permission_users_user').on('core_permission_users').column('user_id').execute();
  },
};
