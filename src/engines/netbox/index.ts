import { CRUD, type EngineManifest } from '../../core/ports.js';
import { renderNetboxEngineError } from './errors.js';
import { NETBOX_ENGINE, NetboxAudit } from './events.js';
import { netboxMigrations } from './migrations/index.js';
import { NETBOX_PREFIXES, netboxRoutes } from './routes/index.js';
import { OT } from './service/context.js';
import { createServices } from './service/index.js';
import { netboxOverview } from './service/overview.js';
import type { NetboxTables } from './tables.js';

/**
 * NetBox secrets: the netbox-secrets plugin API (`/api/plugins/secrets/`), the NetBox 2.x `secrets` app
 * (`/api/secrets/`) over the same data, a minimal device/VM inventory and GraphQL. See README.md.
 */
export const netboxEngine: EngineManifest<NetboxTables> = {
  name: NETBOX_ENGINE,
  prefixes: NETBOX_PREFIXES,
  migrations: netboxMigrations,
  // Every list and object route scopes by these (NetBox's restricted querysets), so each can name one object.
  objectTypes: [
    {
      name: OT.secret,
      actions: CRUD,
      description: "NetBox secrets (plaintext needs the caller's own session key too)",
      objectId: 'a secret id',
    },
    { name: OT.role, actions: CRUD, description: 'NetBox secret roles', objectId: 'a secret role id' },
    {
      name: OT.userKey,
      actions: CRUD,
      description: "NetBox user keys; change also activates other users' keys",
      objectId: 'a user key id',
    },
    {
      name: OT.device,
      actions: CRUD,
      description: 'NetBox devices (deleting one deletes its secrets: needs delete on them too)',
      objectId: 'a device id',
    },
    {
      name: OT.vm,
      actions: CRUD,
      description: 'NetBox virtual machines (as devices)',
      objectId: 'a virtual machine id',
    },
  ],
  auditEvents: NetboxAudit,
  create(ctx) {
    const services = createServices(ctx);
    return {
      routes: netboxRoutes(services),
      renderError: renderNetboxEngineError,
      overview: (caller) => netboxOverview(services, caller),
    };
  },
};
