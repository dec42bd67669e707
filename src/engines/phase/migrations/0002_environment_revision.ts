import type { Kysely } from 'kysely';
import type { HushMigration } from '../../../core/ports.js';

/**
 * A counter bumped by every transaction that changes an environment's secrets, so a process can tell in the same
 * query that finds the environment whether the decrypted secrets it keeps are still current (service/snapshots.ts);
 * and an index for the question every listing by a person asks: does this user have overrides here?
 */
export const phaseEnvironmentRevision: HushMigration = {
  name: '0002_environment_revision',
  async up(db: Kysely<any>) {
    await db.schema
      .alterTable('phase_environments')
      .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    // Every listing by a person asks which secrets they have overrides on: by user, most have none.
    await db.schema
      .createIndex('phase_overrides_user')
      .on('phase_overrides')
      .columns(['user_id', 'secret_id'])
      .execute();
  },
};
