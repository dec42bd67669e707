import type { EngineContext } from '../../../core/ports.js';
import type { NetboxTables } from '../tables.js';
import { createNetboxContext } from './context.js';
import { createInventoryService } from './inventory.js';
import { createRoleService } from './roles.js';
import { createSecretService } from './secrets.js';
import { createSessionKeyService } from './session-keys.js';
import { createUserKeyService } from './user-keys.js';

/** The engine's services, built once per server from its context. */
export function createServices(ctx: EngineContext<NetboxTables>) {
  const nc = createNetboxContext(ctx);
  const inventory = createInventoryService(nc);
  const userKeys = createUserKeyService(nc);
  return {
    nc,
    inventory,
    userKeys,
    sessions: createSessionKeyService(nc, userKeys),
    roles: createRoleService(nc),
    secrets: createSecretService(nc, inventory),
  };
}

export type Services = ReturnType<typeof createServices>;
