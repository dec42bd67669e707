import type { MigrationSet } from '../../../core/ports.js';
import { phaseInitial } from './0001_phase.js';

export const phaseMigrations: MigrationSet = { module: 'phase', migrations: [phaseInitial] };
