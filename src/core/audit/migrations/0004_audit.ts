import type { Kysely } from 'kysely';
import type { HushMigration } from '../../store/migrate.js';
import { GENESIS_HASH } from '../chain.js';

export const auditMigration: HushMigration = {
  name: '0004_audit',
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('core_audit_log')
      // Assigned under the audit lock as head + 1 (until 0009_audit_stripes: unique and increasing since, not gap-free).
      .addColumn('seq', 'integer', (c) => c.primaryKey())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actor_user_id', 'integer')
      .addColumn('actor_username', 'text')
      .addColumn('token_id', 'integer')
      .addColumn('engine', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('object_type', 'text')
      .addColumn('object_id', 'text')
      .addColumn('client_ip', 'text')
      .addColumn('request_id', 'text')
      .addColumn('details', 'text', (c) => c.notNull())
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('core_audit_log_at').on('core_audit_log').column('at').execute();
    await db.schema.createIndex('core_audit_log_actor').on('core_audit_log').column('actor_user_id').execute();
    await db.schema
      .createIndex('core_audit_log_object')
      .on('core_audit_log')
      .columns(['object_type', 'object_id'])
      .execute();
    await db.schema.createIndex('core_audit_log_engine').on('core_audit_log').column('engine').execute();

    // The chain's head, updated in the same transaction as each append: deleting the newest entries is detected too.
    await db.schema
      .createTable('core_audit_head')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();
    await db.insertInto('core_audit_head').values({ id: 1, seq: 0, hash: GENESIS_HASH }).execute();
  },
};
