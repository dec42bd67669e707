import type { FastifyRequest } from 'fastify';
import { CRUD, type EngineManifest } from '../../core/ports.js';
import { renderListsError } from './errors.js';
import { ListsAudit } from './events.js';
import { listsMigrations } from './migrations/index.js';
import { LISTS_PREFIXES, listsRoutes } from './routes/index.js';
import { LIST_OBJECT } from './service/context.js';
import { listsServices } from './service/index.js';
import { listsOverview } from './service/overview.js';
import type { ListsTables } from './tables.js';

/**
 * NetActuate's portal says to put the API token "in the Authorization header"; its API documentation shows
 * `Authorization: Bearer <key>` (netactuate.com/docs/infrastructure/virtual-machines/secrets-api). Bearer and Token
 * are the core's; a bare `Authorization: <key>` is accepted too.
 */
function extractListsCredential(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization?.trim();
  if (!header || /\s/.test(header) || /^(token|bearer)$/i.test(header)) return undefined;
  return header;
}

/** NetActuate Secret Manager: secret lists, their values and `${{secret.KEY}}` rendering. See README.md. */
export const listsEngine: EngineManifest<ListsTables> = {
  name: 'lists',
  prefixes: LISTS_PREFIXES,
  migrations: listsMigrations,
  objectTypes: [
    {
      name: LIST_OBJECT,
      actions: CRUD,
      description: 'secret lists and their values (add: create lists)',
      objectId: 'a list id',
    },
  ],
  auditEvents: ListsAudit,
  create(ctx) {
    const services = listsServices(ctx);
    return {
      routes: listsRoutes(ctx, services),
      renderError: renderListsError,
      extractCredential: extractListsCredential,
      references: [services.resolver],
      overview: (caller) => listsOverview(services, caller),
    };
  },
};
