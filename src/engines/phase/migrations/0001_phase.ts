import { sql, type Kysely } from 'kysely';
import type { HushMigration } from '../../../core/ports.js';

export const phaseInitial: HushMigration = {
  name: '0001_phase',
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('phase_apps')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('sse_enabled', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('phase_environments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('app_id', 'text', (c) => c.notNull().references('phase_apps.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('name_lower', 'text', (c) => c.notNull())
      .addColumn('env_type', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('salt_ct', 'text', (c) => c.notNull())
      .addColumn('seed_ct', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('phase_environments_name', ['app_id', 'name_lower'])
      .execute();

    await db.schema
      .createTable('phase_folders')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('environment_id', 'text', (c) => c.notNull().references('phase_environments.id').onDelete('cascade'))
      .addColumn('path', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('phase_folders_path', ['environment_id', 'path'])
      .execute();

    await db.schema
      .createTable('phase_secrets')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('environment_id', 'text', (c) => c.notNull().references('phase_environments.id').onDelete('cascade'))
      .addColumn('folder_id', 'text', (c) => c.references('phase_folders.id'))
      .addColumn('path', 'text', (c) => c.notNull())
      .addColumn('key_digest', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('deleted_at', 'text')
      .execute();
    // One live secret per (environment, path, key); deleted ones may repeat. Both dialects support partial indexes.
    await sql`create unique index phase_secrets_live_key on phase_secrets (environment_id, path, key_digest) where deleted_at is null`.execute(
      db,
    );
    await db.schema
      .createIndex('phase_secrets_env')
      .on('phase_secrets')
      .columns(['environment_id', 'created_at'])
      .execute();

    await db.schema
      .createTable('phase_secret_versions')
      .addColumn('secret_id', 'text', (c) => c.notNull().references('phase_secrets.id').onDelete('cascade'))
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('content_ct', 'text', (c) => c.notNull())
      .addColumn('path', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('tags', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('actor_user_id', 'integer')
      .addPrimaryKeyConstraint('phase_secret_versions_pk', ['secret_id', 'version'])
      .execute();

    await db.schema
      .createTable('phase_tags')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('color', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('phase_secret_tags')
      .addColumn('secret_id', 'text', (c) => c.notNull().references('phase_secrets.id').onDelete('cascade'))
      .addColumn('tag_id', 'text', (c) => c.notNull().references('phase_tags.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('phase_secret_tags_pk', ['secret_id', 'tag_id'])
      .execute();

    await db.schema
      .createTable('phase_overrides')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('secret_id', 'text', (c) => c.notNull().references('phase_secrets.id').onDelete('cascade'))
      .addColumn('user_id', 'integer', (c) => c.notNull())
      .addColumn('value_ct', 'text', (c) => c.notNull())
      .addColumn('is_active', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('phase_overrides_owner', ['secret_id', 'user_id'])
      .execute();
  },
};
