import { CRUD, type EngineManifest } from '../../core/ports.js';
import { phaseCommandRunners, phaseCommands } from './commands.js';
import { extractPhaseCredential } from './credentials.js';
import { renderPhaseError } from './errors.js';
import { PhaseAudit } from './events.js';
import { phaseMigrations } from './migrations/index.js';
import { PHASE_E2EE_PREFIX, PHASE_PREFIXES, PHASE_STATUS_PREFIXES, phaseRoutes } from './routes/index.js';
import { IDENTITY_PREFIXES } from './routes/unsupported.js';
import { PHASE_ENGINE, PhaseObject } from './service/context.js';
import { createPhaseServices } from './services.js';
import { phaseOverview } from './service/overview.js';
import type { PhaseTables } from './tables.js';

/** Phase's public REST API (apps, environments, server-side-encrypted secrets) and the end-to-end API its clients speak. See README.md. */
export const phaseEngine: EngineManifest<PhaseTables> = {
  name: PHASE_ENGINE,
  prefixes: [
    ...[...PHASE_PREFIXES, PHASE_E2EE_PREFIX, ...IDENTITY_PREFIXES].map((p) => `${p}/`),
    ...PHASE_STATUS_PREFIXES,
  ],
  migrations: phaseMigrations,
  objectTypes: [
    {
      name: PhaseObject.app,
      actions: CRUD,
      description: 'Phase apps and their environments (view: see the app)',
      objectId: 'an app id',
    },
    {
      name: PhaseObject.secret,
      actions: CRUD,
      description: "Phase secrets, granted per environment (also who receives an environment's keys)",
      objectId: 'an environment id',
    },
  ],
  auditEvents: PhaseAudit,
  commands: phaseCommands,
  create(ctx) {
    const services = createPhaseServices(ctx);
    return {
      routes: phaseRoutes(services),
      renderError: renderPhaseError,
      extractCredential: extractPhaseCredential,
      commands: phaseCommandRunners(services),
      overview: (caller) => phaseOverview(services.apps, caller),
    };
  },
};
