import type { EngineManifest } from '../../core/ports.js';
import { extractPhaseCredential } from './credentials.js';
import { renderPhaseError } from './errors.js';
import { phaseMigrations } from './migrations/index.js';
import { PHASE_ENGINE } from './service/context.js';
import { PHASE_E2EE_PREFIX, PHASE_PREFIXES, phaseRoutes } from './routes/index.js';

/** Phase's public REST API (apps, environments, server-side-encrypted secrets) and the end-to-end API its clients speak. See README.md. */
export const phaseEngine: EngineManifest = {
  name: PHASE_ENGINE,
  prefixes: [...PHASE_PREFIXES, PHASE_E2EE_PREFIX].map((p) => `${p}/`),
  migrations: phaseMigrations,
  routes: phaseRoutes,
  renderError: renderPhaseError,
  extractCredential: extractPhaseCredential,
};
