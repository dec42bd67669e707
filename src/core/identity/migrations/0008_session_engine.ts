import type { Kysely } from 'kysely';
import type { HushMigration } from '../../store/migrate.js';

/**
 * `core_sessions.engine`: the engine whose login opened the session (Passbolt's GPGAuth), or null for the core's own
 * login (the console). A session answers only where it was opened: a Passbolt session cookie does not reach the admin
 * API or another engine, and a console session is not a Passbolt one. Sessions opened before carry null, as they were
 * the console's or, for GPGAuth, end within their 12 hours.
 */
export const sessionEngineMigration: HushMigration = {
  name: '0008_session_engine',
  async up(db: Kysely<any>) {
    await db.schema.alterTable('core_sessions').addColumn('engine', 'text').execute();
  },
};
