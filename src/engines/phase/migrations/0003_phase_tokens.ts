import type { Kysely } from 'kysely';
import type { HushMigration } from '../../../core/ports.js';

/**
 * What the server keeps of a Phase-format token (`pss_user:v1:…`, `pss_service:v2:…`) besides the core token that
 * authenticates its bearer part: the account public key the environment keys are wrapped to, and the server's key
 * share wrapped with a key only the token holds, and the apps and environments it is narrowed to. The private key
 * itself is never stored; revoking the core token removes the row.
 */
export const phaseTokens: HushMigration = {
  name: '0003_phase_tokens',
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('phase_tokens')
      .addColumn('token_id', 'integer', (c) => c.primaryKey().references('core_tokens.id').onDelete('cascade'))
      .addColumn('public_key', 'text', (c) => c.notNull())
      .addColumn('wrapped_key_share', 'text', (c) => c.notNull())
      // JSON {"apps": [...], "environments": [...]}: the token reaches only these (on top of its owner's grants); null = no narrowing.
      .addColumn('scope', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
  },
};
