import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { documentRoutes, undocumented } from '../../../http/docs.js';
import { callerOf } from '../../../http/route-kit.js';
import { checkTokenType } from '../credentials.js';
import { AliveOut, HealthOut, PhaseErrorOut } from '../schema.js';
import type { PhaseServices } from '../services.js';
import { appRoutes } from './apps.js';
import { importRoutes } from './import.js';
import { secretRoutes } from './secrets.js';
import { serviceSecretRoutes } from './service-secrets.js';
import { phaseTokenRoutes } from './tokens.js';
import { dynamicSecretRoutes, externalIdentityRoutes } from './unsupported.js';

/** Phase mounts the same views under four prefixes (docs/wire/phase.md §2.0). */
export const PHASE_PREFIXES = ['/v1', '/public/v1', '/service/v1', '/service/public/v1'] as const;
/** Phase's end-to-end API for its CLI and SDKs (docs/wire/phase.md §5.2). */
export const PHASE_E2EE_PREFIX = '/service/secrets';
/**
 * Phase's liveness answers (docs/wire/phase.md §3.2). Its root twin, `/`, is answered by the core's system routes
 * (src/http/plugins/system.ts) with the same body: `/` as a prefix of this engine would make every unknown path's
 * 404 a Phase error.
 */
export const PHASE_STATUS_PREFIXES = ['/public/', '/health/'] as const;
export const ALIVE = {
  message: 'API is alive. Please see https://docs.phase.dev/public-api for the API documentation.',
  status: 'ok',
} as const;

export function phaseRoutes(s: PhaseServices): FastifyPluginAsyncTypebox {
  return async (app) => {
    // Phase reads bodies as JSON whatever the Content-Type (docs/wire/phase.md §2.0); handlers parse the raw text.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    app.addHook('preHandler', async (request) => {
      if (request.routeOptions.config.hush?.access !== 'public') checkTokenType(request, callerOf(request));
    });
    documentRoutes(app, PhaseErrorOut);
    // Called by Phase's clients and probes without credentials; documented once, under `/`.
    app.get(
      '/public/',
      {
        config: { hush: { access: 'public' } },
        schema: { operationId: 'phase_alive', tags: ['phase'], hide: true, response: { 200: AliveOut } },
      },
      async () => ALIVE,
    );
    app.get(
      '/health/',
      {
        config: { hush: { access: 'public' } },
        schema: { operationId: 'phase_health', tags: ['phase'], response: { 200: HealthOut } },
      },
      async () => ({ status: 'alive', version: s.ctx.version }),
    );
    // The same views under every prefix; the OpenAPI document lists them once, under the first.
    for (const prefix of PHASE_PREFIXES) {
      for (const plugin of [
        secretRoutes(s.pc, s.secrets, s.overrides),
        appRoutes(s.apps),
        importRoutes(s.pc, s.imports),
        dynamicSecretRoutes(s.e2ee),
      ]) {
        await app.register(prefix === PHASE_PREFIXES[0] ? plugin : undocumented(plugin), { prefix });
      }
    }
    await app.register(serviceSecretRoutes(s.e2ee));
    await app.register(phaseTokenRoutes(s));
    await app.register(externalIdentityRoutes());
  };
}
