import type { EngineContext } from '../../core/ports.js';
import { createAppService } from './service/apps.js';
import { createPhaseContext } from './service/context.js';
import { createE2eeService } from './service/e2ee.js';
import { createImportService } from './service/import.js';
import { createOverrideService } from './service/overrides.js';
import { createSecretService } from './service/secrets.js';
import { createPhaseTokens } from './service/tokens.js';
import type { PhaseTables } from './tables.js';

/**
 * The engine's services, built once per server (or admin command) by `create`: the routes and the `hush admin phase`
 * commands share them, and with them the caches they hold (salts, environment keys, snapshots, token scopes).
 */
export function createPhaseServices(ctx: EngineContext<PhaseTables>) {
  const pc = createPhaseContext(ctx);
  const secrets = createSecretService(pc);
  const tokens = createPhaseTokens(pc);
  return {
    ctx,
    pc,
    apps: createAppService(pc),
    secrets,
    tokens,
    e2ee: createE2eeService(pc, secrets, tokens),
    imports: createImportService(pc),
    overrides: createOverrideService(pc),
  };
}

export type PhaseServices = ReturnType<typeof createPhaseServices>;
