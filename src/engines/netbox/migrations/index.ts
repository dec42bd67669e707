import type { MigrationSet } from '../../../core/ports.js';
import { netboxInitial } from './0001_netbox.js';

export const netboxMigrations: MigrationSet = { module: 'netbox', migrations: [netboxInitial] };
