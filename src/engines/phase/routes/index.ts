import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { LegacyEngineContext as EngineContext } from '../../../core/ports.js';
import { documentRoutes, undocumented } from '../../../http/docs.js';
import { callerOf } from '../../../http/route-kit.js';
import { checkTokenType } from '../credentials.js';
import { createE2eeService } from '../service/e2ee.js';
import { createPhaseTokens } from '../service/tokens.js';
import { createAppService } from '../service/apps.js';
import { createPhaseContext } from '../service/context.js';
import { createSecretService } from '../service/secrets.js';
import { AliveOut, HealthOut, PhaseErrorOut } from '../schema.js';
import { appRoutes } from './apps.js';
import { importRoutes } from './import.js';
import { secretRoutes } from './secrets.js';
import { serviceSecretRoutes } from './service-secrets.js';
import { phaseTokenRoutes } from './tokens.js';

/** Phase mounts the same views under four prefixes (docs/wire/phase.md §2.0). */
export const PHASE_PREFIXES = ['/v1', '/public/v1', '/service/v1', '/service/public/v1'] as const;
/** Phase's end-to-end API for its CLI and SDKs (docs/wire/phase.md §5.2). */
export const PHASE_E2EE_PREFIX = '/service/secrets';

export function phaseRoutes(ctx: EngineContext): FastifyPluginAsyncTypebox {
  const pc = createPhaseContext(ctx);
  const apps = createAppService(pc);
  const secrets = createSecretService(pc);
  const tokens = createPhaseTokens(pc);
  const e2ee = createE2eeService(pc, secrets, tokens);
  return async (app) => {
    // Phase reads bodies as JSON whatever the Content-Type (docs/wire/phase.md §2.0); handlers parse the raw text.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    app.addHook('preHandler', async (request) => {
      if (request.routeOptions.config.hush?.access !== 'public') checkTokenType(request, callerOf(request));
    });
    documentRoutes(app, PhaseErrorOut);
    // Phase's liveness answers (docs/wire/phase.md §3.2), which its clients and probes call without credentials.
    for (const url of ['/', '/public/']) {
      app.get(url, { config: { hush: { access: 'public' } }, schema: { operationId: 'phase_alive', tags: ['phase'], hide: url !== '/', response: { 200: AliveOut } } }, async () => ({
        message: 'API is alive. Please see https://docs.phase.dev/public-api for the API documentation.',
        status: 'ok',
      }));
    }
    app.get('/health/', { config: { hush: { access: 'public' } }, schema: { operationId: 'phase_health', tags: ['phase'], response: { 200: HealthOut } } }, async () => ({ status: 'alive', version: ctx.version }));
    // The same views under every prefix; the OpenAPI document lists them once, under the first.
    for (const prefix of PHASE_PREFIXES) {
      for (const plugin of [secretRoutes(pc, secrets), appRoutes(apps), importRoutes(pc)]) {
        await app.register(prefix === PHASE_PREFIXES[0] ? plugin : undocumented(plugin), { prefix });
      }
    }
    await app.register(serviceSecretRoutes(e2ee));
    await app.register(phaseTokenRoutes(ctx, pc, tokens));
  };
}
