import type { MigrationSet } from '../../../core/ports.js';
import { passboltInitial } from './0001_passbolt.js';
import { passboltGroups } from './0002_passbolt_groups.js';

export const passboltMigrations: MigrationSet = { module: 'passbolt', migrations: [passboltInitial, passboltGroups] };
