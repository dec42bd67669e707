import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { auditActorOf, callerOf } from '../../../http/route-kit.js';
import { Type } from '../../../http/schemas.js';
import { AppIdQuery, AppOut, AppWithEnvs, EnvOut, IdParam } from '../schema.js';
import { appJson, envJson } from '../serializers.js';
import type { AppService } from '../service/apps.js';
import { parseBody } from '../validate.js';

const access = { hush: { access: 'authenticated' } } as const;
const changes = { hush: { access: 'authenticated', changesData: true } } as const;

/** /v1/apps/ and /v1/environments/ (docs/wire/phase.md §3.2); bodies are JSON whatever the Content-Type. */
export function appRoutes(apps: AppService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/apps/',
      {
        config: access,
        schema: {
          operationId: 'phase_apps_list',
          tags: ['phase'],
          response: { 200: Type.Object({ data: Type.Array(AppOut) }) },
        },
      },
      async (request) => ({
        data: (await apps.list(callerOf(request))).map(appJson),
      }),
    );

    app.post(
      '/apps/',
      {
        config: changes,
        schema: { operationId: 'phase_apps_create', tags: ['phase'], response: { 201: AppWithEnvs } },
      },
      async (request, reply) => {
        const { app: created, envs } = await apps.create(
          callerOf(request),
          auditActorOf(request),
          parseBody(request.body),
        );
        return reply.status(201).send({ ...appJson(created), environments: envs.map(envJson) });
      },
    );

    app.get(
      '/apps/:id/',
      {
        config: access,
        schema: { operationId: 'phase_apps_read', tags: ['phase'], params: IdParam, response: { 200: AppOut } },
      },
      async (request) => appJson(await apps.read(callerOf(request), request.params.id)),
    );

    app.put(
      '/apps/:id/',
      {
        config: changes,
        schema: { operationId: 'phase_apps_update', tags: ['phase'], params: IdParam, response: { 200: AppOut } },
      },
      async (request) =>
        appJson(
          await apps.update(callerOf(request), auditActorOf(request), request.params.id, parseBody(request.body)),
        ),
    );

    app.delete(
      '/apps/:id/',
      {
        config: changes,
        schema: { operationId: 'phase_apps_delete', tags: ['phase'], params: IdParam, response: { 204: Type.Null() } },
      },
      async (request, reply) => {
        await apps.remove(callerOf(request), auditActorOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/environments/',
      {
        config: access,
        schema: {
          operationId: 'phase_envs_list',
          tags: ['phase'],
          querystring: AppIdQuery,
          response: { 200: Type.Object({ data: Type.Array(EnvOut) }) },
        },
      },
      async (request) => ({
        data: (await apps.listEnvs(callerOf(request), request.query.app_id)).map(envJson),
      }),
    );

    app.post(
      '/environments/',
      {
        config: changes,
        schema: {
          operationId: 'phase_envs_create',
          tags: ['phase'],
          querystring: AppIdQuery,
          response: { 201: EnvOut },
        },
      },
      async (request, reply) => {
        const env = await apps.createEnv(
          callerOf(request),
          auditActorOf(request),
          request.query.app_id,
          parseBody(request.body),
        );
        return reply.status(201).send(envJson(env));
      },
    );

    app.get(
      '/environments/:id/',
      {
        config: access,
        schema: { operationId: 'phase_envs_read', tags: ['phase'], params: IdParam, response: { 200: EnvOut } },
      },
      async (request) => envJson(await apps.visibleEnv(callerOf(request), request.params.id)),
    );

    app.put(
      '/environments/:id/',
      {
        config: changes,
        schema: { operationId: 'phase_envs_update', tags: ['phase'], params: IdParam, response: { 200: EnvOut } },
      },
      async (request) =>
        envJson(
          await apps.renameEnv(callerOf(request), auditActorOf(request), request.params.id, parseBody(request.body)),
        ),
    );

    app.delete(
      '/environments/:id/',
      {
        config: changes,
        schema: { operationId: 'phase_envs_delete', tags: ['phase'], params: IdParam, response: { 204: Type.Null() } },
      },
      async (request, reply) => {
        await apps.removeEnv(callerOf(request), auditActorOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}
