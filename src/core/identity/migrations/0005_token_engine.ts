import type { Kysely } from 'kysely';
import type { HushMigration } from '../../store/migrate.js';

/**
 * `core_tokens.engine`: the one engine a token may be used with, or null for all. An engine that narrows a token to
 * part of its own data (Phase's app/environment scope) confines it here, so the token cannot reach other engines'
 * data that its owner happens to be granted.
 */
export const tokenEngineMigration: HushMigration = {
  name: '0005_token_engine',
  async up(db: Kysely<any>) {
    await db.schema.alterTable('core_tokens').addColumn('engine', 'text').execute();
  },
};
