import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { auditActorOf, callerOf } from '../../../http/route-kit.js';
import { ok } from '../envelope.js';
import { envelope, GroupAro, IdParam, NoBody, SearchArosQuery, ShareSimulation, tags, User } from '../schema.js';
import { Type } from '../../../http/schemas.js';
import type { UserService } from '../service/users.js';
import type { ShareService } from '../service/share.js';

const changes = { hush: { access: 'authenticated', changesData: true } } as const;
// A dry run: it answers what a share would change and writes nothing.
const simulation = { hush: { access: 'authenticated', changesData: false } } as const;

/** /share/resource/{id}.json, /share/simulate/resource/{id}.json (ShareController) and /share/search-aros.json. */
export function shareRoutes(share: ShareService, users: UserService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/share/search-aros.json',
      {
        config: { hush: { access: 'authenticated' } },
        schema: {
          operationId: 'passbolt_share_search_aros',
          tags,
          querystring: SearchArosQuery,
          response: envelope(Type.Array(Type.Union([User, GroupAro]))),
        },
      },
      async (request) => ok(request, await users.searchAros(request.query as Record<string, unknown>)),
    );

    app.put(
      '/share/resource/:id.json',
      { config: changes, schema: { operationId: 'passbolt_share', tags, params: IdParam, response: envelope(NoBody) } },
      async (request) => {
        await share.share(callerOf(request), auditActorOf(request), request.params.id, request.body);
        return ok(request, null);
      },
    );

    app.post(
      '/share/simulate/resource/:id.json',
      {
        config: simulation,
        schema: { operationId: 'passbolt_share_simulate', tags, params: IdParam, response: envelope(ShareSimulation) },
      },
      async (request) => ok(request, await share.simulate(callerOf(request), request.params.id, request.body)),
    );
  };
}
