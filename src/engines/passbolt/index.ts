import type { LegacyEngineManifest as EngineManifest } from '../../core/ports.js';
import { passboltAuthenticator } from './authenticator.js';
import { renderPassboltError } from './errors.js';
import { passboltMigrations } from './migrations/index.js';
import { PASSBOLT_PREFIXES, passboltRoutes } from './routes/index.js';

/** Passbolt API v2 (v4 server): end-to-end encrypted resources with one OpenPGP copy per user. See README.md. */
export const passboltEngine: EngineManifest = {
  name: 'passbolt',
  prefixes: PASSBOLT_PREFIXES,
  migrations: passboltMigrations,
  routes: passboltRoutes,
  renderError: renderPassboltError,
  authenticator: passboltAuthenticator,
};
