import { api, untypedBody } from './client.ts';
import { unwrap } from './errors.ts';
import type { operations } from './schema';

type Json<Op extends keyof operations, Code extends number> =
  operations[Op]['responses'] extends Record<Code, { content: { 'application/json': infer T } }> ? T : never;

export type PhaseApp = Json<'phase_apps_list', 200>['data'][number];
export type PhaseEnv = Json<'phase_envs_list', 200>['data'][number];
export type PhaseSecret = Json<'phase_secrets_list', 200>[number];

/** What the console sends when it creates or edits a secret (Phase's request bodies, docs/wire/phase.md §2.3-2.5). */
export interface SecretFields {
  key: string;
  value: string;
  comment: string;
  path: string;
}

const where = (appId: string, env: string) => ({ params: { query: { app_id: appId, env } } });

/**
 * Phase's public API (/v1), called with the console's session cookie like any of Phase's clients with a token: apps,
 * environments and server-side-encrypted secrets the signed-in user may reach.
 */
export const phase = {
  apps: async () => unwrap(await api.GET('/v1/apps/')).data,
  app: async (id: string) => unwrap(await api.GET('/v1/apps/{id}/', { params: { path: { id } } })),
  createApp: async (body: { name: string; description: string }) =>
    unwrap(await api.POST('/v1/apps/', { body: untypedBody(body) })),
  envs: async (appId: string) =>
    unwrap(await api.GET('/v1/environments/', { params: { query: { app_id: appId } } })).data,
  secrets: async (appId: string, env: string) => unwrap(await api.GET('/v1/secrets/', where(appId, env))),
  createSecret: async (appId: string, env: string, secret: SecretFields) =>
    unwrap(await api.POST('/v1/secrets/', { ...where(appId, env), body: untypedBody({ secrets: [secret] }) })),
  updateSecret: async (appId: string, env: string, id: string, secret: SecretFields) =>
    unwrap(
      await api.PUT('/v1/secrets/', { ...where(appId, env), body: untypedBody({ secrets: [{ id, ...secret }] }) }),
    ),
  deleteSecrets: async (appId: string, env: string, ids: string[]) =>
    unwrap(await api.DELETE('/v1/secrets/', { ...where(appId, env), body: untypedBody({ secrets: ids }) })),
};
