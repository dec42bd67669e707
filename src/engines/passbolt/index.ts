import type { EngineManifest } from '../../core/ports.js';
import { passboltAuthenticate } from './authenticator.js';
import { PASSBOLT_COMMANDS, passboltCommandRunners } from './commands.js';
import { renderPassboltError } from './errors.js';
import { PassboltAudit } from './events.js';
import { passboltMigrations } from './migrations/index.js';
import { PASSBOLT_PREFIXES, passboltRoutes } from './routes/index.js';
import { passboltServices } from './service/index.js';
import { passboltOverview } from './service/overview.js';
import type { PassboltTables } from './tables.js';

/** Passbolt API v2 (v4 server): end-to-end encrypted resources with one OpenPGP copy per user. See README.md. */
export const passboltEngine: EngineManifest<PassboltTables> = {
  name: 'passbolt',
  prefixes: PASSBOLT_PREFIXES,
  migrations: passboltMigrations,
  auditEvents: PassboltAudit,
  commands: PASSBOLT_COMMANDS,
  create(ctx) {
    // One set of services: the routes, the JWT authenticator and the commands share the server keys' cache.
    const services = passboltServices(ctx);
    return {
      routes: passboltRoutes(services, ctx.config),
      renderError: renderPassboltError,
      authenticate: passboltAuthenticate(services.auth, ctx.sessions),
      commands: passboltCommandRunners(services, ctx.users),
      overview: (caller) => passboltOverview(services, caller),
    };
  },
};
