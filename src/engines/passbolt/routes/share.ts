import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { auditActorOf, callerOf } from '../../../http/route-kit.js';
import { ok } from '../envelope.js';
import { envelope, IdParam, NoBody, ShareSimulation, tags } from '../schema.js';
import type { ShareService } from '../service/share.js';

const changes = { hush: { access: 'authenticated', changesData: true } } as const;
// A dry run: it answers what a share would change and writes nothing.
const simulation = { hush: { access: 'authenticated', changesData: false } } as const;

/** /share/resource/{id}.json and /share/simulate/resource/{id}.json (passbolt_api ShareController). */
export function shareRoutes(share: ShareService): FastifyPluginAsyncTypebox {
  return async (app) => {
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
