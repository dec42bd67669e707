import type { Kysely } from 'kysely';
import { createAuditLog } from './audit/log.js';
import type { AuditTables } from './audit/tables.js';
import type { HushConfig } from './config.js';
import { createCryptoGates } from './crypto-gate.js';
import { createIdempotency } from './idempotency/store.js';
import type { IdempotencyTables } from './idempotency/tables.js';
import { objectTypesWith, type ObjectTypeSpec } from './identity/object-types.js';
import { createIdentityAdmin } from './identity/admin.js';
import { createPermissions } from './identity/permissions.js';
import { createSessions } from './identity/sessions.js';
import type { IdentityTables } from './identity/tables.js';
import { createTokens } from './identity/tokens.js';
import { createUsers } from './identity/users.js';
import { createKeyring } from './keyring/keyring.js';
import type { KeyringTables } from './keyring/tables.js';
import { coreMigrations } from './migrations.js';
import { openStore } from './store/db.js';
import { startupFaultError } from './store/faults.js';
import { hasInstance, noInstance, sqliteMissing } from './store/instance.js';
import { migrateAll, type MigrationSet } from './store/migrate.js';
import { createVersions } from './versions/versions.js';
import type { AnyTables } from './store/tx.js';

export type CoreTables = IdentityTables & KeyringTables & AuditTables & IdempotencyTables;

/**
 * Opens the store, migrates the core and then every engine, and starts the keyring. Everything a server or an
 * admin command needs; nothing here listens on a socket. `objectTypes`: what the engines' manifests declare
 * (permissions can name only these and the core's own). With `create: false` (admin commands) an instance must
 * already exist: nothing is created (no directory, database, tables or key file), and the error names where it looked.
 * `checkpointThread`: a long-running server's core whose SQLite WAL is checkpointed by a thread of its own (wal-checkpointer.ts;
 * the server sets it from HUSH_SQLITE_CHECKPOINT_THREAD).
 */
export async function createCore(
  config: HushConfig,
  engineMigrations: readonly MigrationSet[] = [],
  options: { create?: boolean; objectTypes?: readonly ObjectTypeSpec[]; checkpointThread?: boolean } = {},
) {
  const create = options.create ?? true;
  const objectTypes = objectTypesWith(options.objectTypes ?? []);
  if (!create && !config.databaseUrl && sqliteMissing(config.dataDir)) throw noInstance(config, undefined);
  const store = openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    mustExist: !create,
    backgroundCheckpoints: options.checkpointThread ?? false,
  });
  try {
    const existed = await hasInstance(store.db);
    if (!existed && !create) throw noInstance(config, store.location);
    await migrateAll(store.db, store.dialect, [coreMigrations, ...engineMigrations]);
    // Each service narrows this to its own tables; Kysely's table maps are invariant, so the composed handle stays untyped.
    const db: Kysely<AnyTables> = store.db;
    const keyring = createKeyring({
      db,
      rootKeySource: { file: config.rootKeyFile, inline: config.rootKey },
      storeLocation: store.location,
    });
    const keyringState = await keyring.start({ create });
    const gates = createCryptoGates(config.limits);
    const permissions = createPermissions({ db, objectTypes });
    const users = createUsers({ db, passwordGate: gates.credentials });
    const tokens = createTokens({ db, permissions });
    const sessions = createSessions({ db });
    const audit = createAuditLog({ db, dialect: store.dialect });
    return {
      config,
      store,
      /** This call created the instance (its tables were not there before). */
      created: !existed,
      db,
      keyring,
      keyringState,
      gates,
      users,
      tokens,
      sessions,
      permissions,
      objectTypes,
      audit,
      /** Identity changes with their audit entries, for the admin API and `hush admin` (core/identity/admin.ts). */
      identityAdmin: createIdentityAdmin({ db, users, tokens, permissions, sessions, audit }),
      versions: createVersions({ db, cipher: (table) => keyring.cipher(table) }),
      idempotency: createIdempotency({ db, cipher: keyring.cipher('core_idempotency_keys') }),
      close: () => store.close(),
    };
  } catch (e) {
    await store.close();
    throw startupFaultError(e, store.location);
  }
}

export type Core = Awaited<ReturnType<typeof createCore>>;
