import { CRUD, type LegacyEngineManifest as EngineManifest } from '../../core/ports.js';
import { extractPhaseCredential } from './credentials.js';
import { renderPhaseError } from './errors.js';
import { phaseMigrations } from './migrations/index.js';
import { PHASE_ENGINE, PhaseObject } from './service/context.js';
import { PHASE_E2EE_PREFIX, PHASE_PREFIXES, phaseRoutes } from './routes/index.js';

/** Phase's public REST API (apps, environments, server-side-encrypted secrets) and the end-to-end API its clients speak. See README.md. */
export const phaseEngine: EngineManifest = {
  name: PHASE_ENGINE,
  prefixes: [...PHASE_PREFIXES, PHASE_E2EE_PREFIX].map((p) => `${p}/`),
  migrations: phaseMigrations,
  routes: phaseRoutes,
  renderError: renderPhaseError,
  extractCredential: extractPhaseCredential,
  objectTypes: [
    { name: PhaseObject.app, actions: CRUD, description: 'Phase apps and their environments (view: see the app)', objectId: 'an app id' },
    { name: PhaseObject.secret, actions: CRUD, description: "Phase secrets, granted per environment (also who receives an environment's keys)", objectId: 'an environment id' },
  ],
};
