import type { Kysely, Selectable } from 'kysely';
import { newUuid, nowIso, preparedQuery, type Db } from '../../core/ports.js';
import type {
  PhaseAppTable,
  PhaseEnvironmentTable,
  PhaseOverrideTable,
  PhaseSecretTable,
  PhaseTables,
} from './tables.js';

export type AppRow = Selectable<PhaseAppTable>;
export type EnvRow = Selectable<PhaseEnvironmentTable>;
export type OverrideRow = Selectable<PhaseOverrideTable>;
/** A live secret joined with the ciphertexts of its current version. */
export type SecretRow = Selectable<PhaseSecretTable> & { content_ct: string };

export interface SecretFilter {
  path?: string | undefined;
  digest?: string | undefined;
  tagNames?: string[] | undefined;
}

/** Queries on phase_* tables only (docs/architecture.md §6). */
export function createPhaseRepo(db: Kysely<PhaseTables>) {
  const secretColumns = [
    'phase_secrets.id',
    'phase_secrets.environment_id',
    'phase_secrets.folder_id',
    'phase_secrets.path',
    'phase_secrets.key_digest',
    'phase_secrets.version',
    'phase_secrets.type',
    'phase_secrets.created_at',
    'phase_secrets.updated_at',
    'phase_secrets.deleted_at',
    'phase_secret_versions.content_ct',
  ] as const;

  const liveSecrets = (trx: Db<PhaseTables>) =>
    trx
      .selectFrom('phase_secrets')
      .innerJoin('phase_secret_versions', (j) =>
        j
          .onRef('phase_secret_versions.secret_id', '=', 'phase_secrets.id')
          .onRef('phase_secret_versions.version', '=', 'phase_secrets.version'),
      )
      .select(secretColumns)
      .where('phase_secrets.deleted_at', 'is', null);

  // Every request naming an environment runs these (app, environment, the caller's overrides): compiled once
  // (core/store/prepared.ts).
  const appById = preparedQuery(db, 1, (q, id: string) => q.selectFrom('phase_apps').selectAll().where('id', '=', id));
  const envById = preparedQuery(db, 1, (q, id: string) =>
    q.selectFrom('phase_environments').selectAll().where('id', '=', id),
  );
  const envByName = preparedQuery(db, 2, (q, appId: string, nameLower: string) =>
    q.selectFrom('phase_environments').selectAll().where('app_id', '=', appId).where('name_lower', '=', nameLower),
  );
  const envIdOfSecret = preparedQuery(db, 1, (q, secretId: string) =>
    q.selectFrom('phase_secrets').select('environment_id').where('id', '=', secretId),
  );
  const overriddenBy = preparedQuery(db, 1, (q, userId: number) =>
    q.selectFrom('phase_overrides').select('secret_id').where('user_id', '=', userId),
  );

  return {
    db,

    listApps: (ids: 'all' | string[]) => {
      let q = db.selectFrom('phase_apps').selectAll();
      if (ids !== 'all') q = q.where('id', 'in', ids.length ? ids : ['']);
      return q.orderBy('created_at', 'desc').orderBy('id').execute();
    },
    getApp: async (id: string, trx: Db<PhaseTables> = db): Promise<AppRow | undefined> =>
      (await appById(trx, id)).rows[0],
    appsByName: (nameLower: string) =>
      db
        .selectFrom('phase_apps')
        .selectAll()
        .where((eb) => eb(eb.fn('lower', ['name']), '=', nameLower))
        .execute(),
    insertApp: (row: AppRow, trx: Db<PhaseTables>) => trx.insertInto('phase_apps').values(row).execute(),
    updateApp: (id: string, set: Partial<AppRow>, trx: Db<PhaseTables>) =>
      trx.updateTable('phase_apps').set(set).where('id', '=', id).execute(),
    deleteApp: (id: string, trx: Db<PhaseTables>) => trx.deleteFrom('phase_apps').where('id', '=', id).execute(),

    listEnvs: (appId: string, trx: Db<PhaseTables> = db) =>
      trx
        .selectFrom('phase_environments')
        .selectAll()
        .where('app_id', '=', appId)
        .orderBy('position')
        .orderBy('created_at')
        .execute(),
    /** The environment a secret belongs to, deleted or not (Phase's `Secret-Id` header looks it up so). */
    envOfSecret: async (secretId: string): Promise<EnvRow | undefined> => {
      const row = (await envIdOfSecret(db, secretId)).rows[0];
      return row ? (await envById(db, row.environment_id)).rows[0] : undefined;
    },
    getEnv: async (id: string, trx: Db<PhaseTables> = db): Promise<EnvRow | undefined> =>
      (await envById(trx, id)).rows[0],
    findEnv: async (appId: string, nameLower: string, trx: Db<PhaseTables> = db): Promise<EnvRow | undefined> =>
      (await envByName(trx, appId, nameLower)).rows[0],
    insertEnv: (row: EnvRow, trx: Db<PhaseTables>) => trx.insertInto('phase_environments').values(row).execute(),
    renameEnv: (id: string, name: string, trx: Db<PhaseTables>) =>
      trx
        .updateTable('phase_environments')
        .set({ name, name_lower: name.toLowerCase(), updated_at: nowIso() })
        .where('id', '=', id)
        .execute(),
    /**
     * Every write of an environment's secrets (or of an override) bumps its revision and, as Phase's `Secret.save()`
     * does, its `updated_at`: Phase's Kubernetes operator polls `/service/secrets/tokens/` and re-syncs only when an
     * environment's `updated_at` has grown (README "Phase's clients").
     */
    bumpRevision: (id: string, trx: Db<PhaseTables>) =>
      trx
        .updateTable('phase_environments')
        .set((eb) => ({ revision: eb('revision', '+', 1), updated_at: nowIso() }))
        .where('id', '=', id)
        .execute(),
    deleteEnv: (id: string, trx: Db<PhaseTables>) =>
      trx.deleteFrom('phase_environments').where('id', '=', id).execute(),

    /** The folder row for a path (null for `/`), created on first use. */
    async folderFor(environmentId: string, path: string, trx: Db<PhaseTables>): Promise<string | null> {
      if (path === '/') return null;
      const found = await trx
        .selectFrom('phase_folders')
        .select('id')
        .where('environment_id', '=', environmentId)
        .where('path', '=', path)
        .executeTakeFirst();
      if (found) return found.id;
      const id = newUuid();
      await trx
        .insertInto('phase_folders')
        .values({ id, environment_id: environmentId, path, created_at: nowIso() })
        .execute();
      return id;
    },

    /** Live secrets of an environment in a stable order (Phase has none): creation time, then id. */
    async secrets(environmentId: string, filter: SecretFilter, trx: Db<PhaseTables> = db): Promise<SecretRow[]> {
      let q = liveSecrets(trx).where('phase_secrets.environment_id', '=', environmentId);
      if (filter.path !== undefined) q = q.where('phase_secrets.path', '=', filter.path);
      if (filter.digest !== undefined) q = q.where('phase_secrets.key_digest', '=', filter.digest);
      if (filter.tagNames !== undefined) {
        const names = filter.tagNames.length ? filter.tagNames : [''];
        q = q.where('phase_secrets.id', 'in', (eb) =>
          eb
            .selectFrom('phase_secret_tags')
            .innerJoin('phase_tags', 'phase_tags.id', 'phase_secret_tags.tag_id')
            .select('phase_secret_tags.secret_id')
            .where('phase_tags.name', 'in', names),
        );
      }
      return q.orderBy('phase_secrets.created_at').orderBy('phase_secrets.id').execute();
    },

    liveById: (environmentId: string, ids: string[], trx: Db<PhaseTables>) =>
      ids.length
        ? liveSecrets(trx)
            .where('phase_secrets.environment_id', '=', environmentId)
            .where('phase_secrets.id', 'in', ids)
            .execute()
        : Promise.resolve([]),

    /** Live secrets at one (environment, path, digest); the unique index allows at most one. */
    liveByKey: (environmentId: string, path: string, digest: string, trx: Db<PhaseTables> = db) =>
      liveSecrets(trx)
        .where('phase_secrets.environment_id', '=', environmentId)
        .where('phase_secrets.path', '=', path)
        .where('phase_secrets.key_digest', '=', digest)
        .executeTakeFirst(),

    insertSecret: (row: Selectable<PhaseSecretTable>, trx: Db<PhaseTables>) =>
      trx.insertInto('phase_secrets').values(row).execute(),
    updateSecret: (id: string, set: Partial<Selectable<PhaseSecretTable>>, trx: Db<PhaseTables>) =>
      trx.updateTable('phase_secrets').set(set).where('id', '=', id).execute(),
    softDelete: (ids: string[], at: string, trx: Db<PhaseTables>) =>
      trx.updateTable('phase_secrets').set({ deleted_at: at, updated_at: at }).where('id', 'in', ids).execute(),

    /** Tag names per secret, for a page of secrets in one query. */
    async tagsOf(secretIds: string[], trx: Db<PhaseTables> = db): Promise<Map<string, string[]>> {
      const result = new Map<string, string[]>(secretIds.map((id) => [id, []]));
      if (!secretIds.length) return result;
      const rows = await trx
        .selectFrom('phase_secret_tags')
        .innerJoin('phase_tags', 'phase_tags.id', 'phase_secret_tags.tag_id')
        .select(['phase_secret_tags.secret_id', 'phase_tags.name'])
        .where('phase_secret_tags.secret_id', 'in', secretIds)
        .orderBy('phase_tags.name')
        .execute();
      for (const r of rows) result.get(r.secret_id)?.push(r.name);
      return result;
    },

    /** Replaces a secret's tags, creating unknown names (Phase's get-or-create, docs/wire/phase.md §1.4). */
    async setTags(secretId: string, names: string[], trx: Db<PhaseTables>): Promise<void> {
      await trx.deleteFrom('phase_secret_tags').where('secret_id', '=', secretId).execute();
      for (const name of names) {
        let tag = await trx.selectFrom('phase_tags').select('id').where('name', '=', name).executeTakeFirst();
        if (!tag) {
          tag = { id: newUuid() };
          await trx.insertInto('phase_tags').values({ id: tag.id, name, color: '', created_at: nowIso() }).execute();
        }
        await trx.insertInto('phase_secret_tags').values({ secret_id: secretId, tag_id: tag.id }).execute();
      }
    },

    overridesOf: (secretIds: string[], userId: number, trx: Db<PhaseTables> = db) =>
      secretIds.length
        ? trx
            .selectFrom('phase_overrides')
            .selectAll()
            .where('user_id', '=', userId)
            .where('secret_id', 'in', secretIds)
            .execute()
        : Promise.resolve([] as OverrideRow[]),
    /** The secrets the user has overrides on, anywhere: a handful per person, found through the user index. */
    overriddenSecretIds: async (userId: number): Promise<Set<string>> =>
      new Set((await overriddenBy(db, userId)).rows.map((r) => r.secret_id)),
    overrideOf: (secretId: string, userId: number, trx: Db<PhaseTables>) =>
      trx
        .selectFrom('phase_overrides')
        .selectAll()
        .where('secret_id', '=', secretId)
        .where('user_id', '=', userId)
        .executeTakeFirst(),
    insertOverride: (row: OverrideRow, trx: Db<PhaseTables>) => trx.insertInto('phase_overrides').values(row).execute(),
    updateOverride: (id: string, set: Partial<OverrideRow>, trx: Db<PhaseTables>) =>
      trx.updateTable('phase_overrides').set(set).where('id', '=', id).execute(),
    deleteOverride: (id: string, trx: Db<PhaseTables>) =>
      trx.deleteFrom('phase_overrides').where('id', '=', id).execute(),
  };
}

export type PhaseRepo = ReturnType<typeof createPhaseRepo>;
