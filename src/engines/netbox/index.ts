import type { EngineManifest } from '../../core/ports.js';
import { renderNetboxEngineError } from './errors.js';
import { netboxMigrations } from './migrations/index.js';
import { NETBOX_PREFIXES, netboxRoutes } from './routes/index.js';

/**
 * NetBox secrets: the netbox-secrets plugin API (`/api/plugins/secrets/`), the NetBox 2.x `secrets` app
 * (`/api/secrets/`) over the same data, a minimal device/VM inventory and GraphQL. See README.md.
 */
export const netboxEngine: EngineManifest = {
  name: 'netbox',
  prefixes: NETBOX_PREFIXES,
  migrations: netboxMigrations,
  routes: netboxRoutes,
  renderError: renderNetboxEngineError,
};
