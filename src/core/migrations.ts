import { auditMigration } from './audit/migrations/0004_audit.js';
import { auditScaleMigration } from './audit/migrations/0007_audit_scale.js';
import { auditStripesMigration } from './audit/migrations/0009_audit_stripes.js';
import { auditObjectSetsMigration } from './audit/migrations/0010_audit_object_sets.js';
import { auditSetIndexMigration } from './audit/migrations/0011_audit_set_index.js';
import { idempotencyMigration } from './idempotency/migrations/0006_idempotency.js';
import { identityMigration } from './identity/migrations/0002_identity.js';
import { tokenEngineMigration } from './identity/migrations/0005_token_engine.js';
import { sessionEngineMigration } from './identity/migrations/0008_session_engine.js';
import { keyringMigration } from './keyring/migrations/0003_keyring.js';
import type { MigrationSet } from './store/migrate.js';
import { locksMigration } from './store/migrations.js';

/** The core's tables, migrated before any engine's. */
export const coreMigrations: MigrationSet = {
  module: 'core',
  migrations: [
    locksMigration,
    identityMigration,
    keyringMigration,
    auditMigration,
    tokenEngineMigration,
    idempotencyMigration,
    auditScaleMigration,
    sessionEngineMigration,
    auditStripesMigration,
    auditObjectSetsMigration,
    auditSetIndexMigration,
  ],
};
