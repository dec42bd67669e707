import type { MigrationSet } from '../../../core/ports.js';
import { listsInitial } from './0001_lists.js';
import { listsValuesKeyset } from './0002_values_keyset.js';

export const listsMigrations: MigrationSet = { module: 'lists', migrations: [listsInitial, listsValuesKeyset] };
