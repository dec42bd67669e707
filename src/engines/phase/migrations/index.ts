import type { MigrationSet } from '../../../core/ports.js';
import { phaseInitial } from './0001_phase.js';
import { phaseEnvironmentRevision } from './0002_environment_revision.js';
import { phaseTokens } from './0003_phase_tokens.js';

export const phaseMigrations: MigrationSet = {
  module: 'phase',
  migrations: [phaseInitial, phaseEnvironmentRevision, phaseTokens],
};
