import type { EngineManifest } from '../../core/ports.js';
import { extractPhaseCredential } from './credentials.js';
import { renderPhaseError } from './errors.js';
import { phaseMigrations } from './migrations/index.js';
import { PHASE_PREFIXES, phaseRoutes } from './routes/index.js';

/** Phase's public REST API: apps, environments and server-side-encrypted secrets. See README.md. */
export const phaseEngine: EngineManifest = {
  name: 'phase',
  prefixes: PHASE_PREFIXES.map((p) => `${p}/`),
  migrations: phaseMigrations,
  routes: phaseRoutes,
  renderError: renderPhaseError,
  extractCredential: extractPhaseCredential,
};
