import type { Kysely } from 'kysely';
import type { HushMigration } from '../../store/migrate.js';

/** `core_idempotency_keys`: the answers of applied changes that carried an Idempotency-Key (see ../tables.ts). */
export const idempotencyMigration: HushMigration = {
  name: '0006_idempotency',
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('core_idempotency_keys')
      .addColumn('user_id', 'integer', (c) => c.notNull())
      .addColumn('idem_key', 'text', (c) => c.notNull())
      .addColumn('request_digest', 'text', (c) => c.notNull())
      .addColumn('status', 'integer', (c) => c.notNull())
      .addColumn('answer', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      // Keys are the caller's own namespace: one caller cannot replay, or learn about, another's.
      .addPrimaryKeyConstraint('core_idempotency_keys_pk', ['user_id', 'idem_key'])
      .execute();
    await db.schema
      .createIndex('core_idempotency_keys_created')
      .on('core_idempotency_keys')
      .column('created_at')
      .execute();
  },
};
