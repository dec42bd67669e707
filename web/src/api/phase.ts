import { api, untypedBody } from './client.ts';
import { unwrap } from './errors.ts';
import type { operations } from './schema';

type Json<Op extends keyof operations, Code extends number> =
  operations[Op]['responses'] extends Record<Code, { content: { 'application/json': infer T } }> ? T : never;

export type PhaseApp = Json<'phase_apps_list', 200>['data'][number];
export type PhaseEnv = Json<'phase_envs_list', 200>['data'][number];
export type PhaseSecret = Json<'phase_secrets_list', 200>[number];
export type PhaseVersion = Json<'phase_secret_history', 200>[number];
export type ImportPlan = Json<'phase_secrets_import', 200>;

/** What the console sends when it creates or edits a secret (Phase's request bodies, docs/wire/phase.md §2.3-2.5). */
export interface SecretFields {
  key: string;
  /** Absent on an edit: the stored value (a reference stays a reference; a sealed value cannot change anyway). */
  value?: string;
  comment: string;
  path: string;
  tags?: string[];
}

/** One entry of `POST /v1/secrets/import/` (src/engines/phase/README.md, "Beyond Phase"). */
export interface ImportItem {
  key: string;
  value: string;
  path: string;
}

const where = (appId: string, env: string) => ({ params: { query: { app_id: appId, env } } });
const secretWhere = (appId: string, env: string, id: string) => ({
  params: { path: { id }, query: { app_id: appId, env } },
});

/**
 * Phase's public API (/v1), called with the console's session cookie like any of Phase's clients with a token: apps,
 * environments and server-side-encrypted secrets the signed-in user may reach; plus what Hush adds beyond Phase
 * (a secret's history and restore, the all-or-nothing import).
 */
export const phase = {
  apps: async () => unwrap(await api.GET('/v1/apps/')).data,
  app: async (id: string) => unwrap(await api.GET('/v1/apps/{id}/', { params: { path: { id } } })),
  createApp: async (body: { name: string; description: string; sseEnabled: boolean }) =>
    unwrap(await api.POST('/v1/apps/', { body: untypedBody(body) })),
  updateApp: async (id: string, body: { name?: string; description?: string; sseEnabled?: boolean }) =>
    unwrap(await api.PUT('/v1/apps/{id}/', { params: { path: { id } }, body: untypedBody(body) })),
  deleteApp: async (id: string) => unwrap(await api.DELETE('/v1/apps/{id}/', { params: { path: { id } } })),

  envs: async (appId: string) =>
    unwrap(await api.GET('/v1/environments/', { params: { query: { app_id: appId } } })).data,
  createEnv: async (appId: string, name: string) =>
    unwrap(await api.POST('/v1/environments/', { params: { query: { app_id: appId } }, body: untypedBody({ name }) })),
  renameEnv: async (id: string, name: string) =>
    unwrap(await api.PUT('/v1/environments/{id}/', { params: { path: { id } }, body: untypedBody({ name }) })),
  deleteEnv: async (id: string) => unwrap(await api.DELETE('/v1/environments/{id}/', { params: { path: { id } } })),

  secrets: async (appId: string, env: string) => unwrap(await api.GET('/v1/secrets/', where(appId, env))),
  createSecret: async (appId: string, env: string, secret: SecretFields) =>
    unwrap(await api.POST('/v1/secrets/', { ...where(appId, env), body: untypedBody({ secrets: [secret] }) })),
  updateSecret: async (appId: string, env: string, id: string, secret: SecretFields) =>
    unwrap(
      await api.PUT('/v1/secrets/', { ...where(appId, env), body: untypedBody({ secrets: [{ id, ...secret }] }) }),
    ),
  /**
   * The signed-in person's own value of a secret (docs/wire/phase.md §1.5): Phase's REST API sets it through a PUT
   * of the secret with `override` (which, as in Phase, also counts as a new version of the secret).
   */
  putOverride: async (appId: string, env: string, id: string, override: { value: string; isActive: boolean }) =>
    unwrap(await api.PUT('/v1/secrets/', { ...where(appId, env), body: untypedBody({ secrets: [{ id, override }] }) })),
  /** Removes the caller's own override (beyond Phase, whose REST API can only deactivate one). */
  deleteOverride: async (appId: string, env: string, id: string) =>
    unwrap(await api.DELETE('/v1/secrets/{id}/override/', secretWhere(appId, env, id))),
  deleteSecrets: async (appId: string, env: string, ids: string[]) =>
    unwrap(await api.DELETE('/v1/secrets/', { ...where(appId, env), body: untypedBody({ secrets: ids }) })),

  history: async (appId: string, env: string, id: string) =>
    unwrap(await api.GET('/v1/secrets/{id}/history/', secretWhere(appId, env, id))),
  /**
   * The current version only, as written (references as `${…}`): what the table and the edit form show, without
   * fetching the rotated-out values of every earlier version. Audited as a read of that one secret.
   */
  asWritten: async (appId: string, env: string, id: string) => {
    const where = secretWhere(appId, env, id);
    const versions = unwrap(
      await api.GET('/v1/secrets/{id}/history/', {
        params: { ...where.params, query: { ...where.params.query, latest: '1' } },
      }),
    );
    return versions[versions.length - 1];
  },
  restore: async (appId: string, env: string, id: string, version: number) =>
    unwrap(
      await api.POST('/v1/secrets/{id}/restore/', { ...secretWhere(appId, env, id), body: untypedBody({ version }) }),
    ),

  /**
   * Creates the missing keys and updates the changed ones in one transaction, or (dry run) says what it would do.
   * The Idempotency-Key makes a double submit (a retried click, a flaky network) apply the file once.
   */
  importSecrets: async (
    appId: string,
    env: string,
    secrets: ImportItem[],
    options: { dryRun: boolean; ifRevision?: number; idempotencyKey?: string },
  ) => {
    const { dryRun, ifRevision, idempotencyKey } = options;
    return unwrap(
      await api.POST('/v1/secrets/import/', {
        ...where(appId, env),
        body: untypedBody({
          secrets,
          dry_run: dryRun,
          ...(ifRevision === undefined ? {} : { if_revision: ifRevision }),
        }),
        ...(idempotencyKey ? { headers: { 'Idempotency-Key': idempotencyKey } } : {}),
      }),
    );
  },
};
