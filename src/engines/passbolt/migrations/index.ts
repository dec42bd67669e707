import type { MigrationSet } from '../../../core/ports.js';
import { passboltInitial } from './0001_passbolt.js';

export const passboltMigrations: MigrationSet = { module: 'passbolt', migrations: [passboltInitial] };
