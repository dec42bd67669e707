import type { MigrationSet } from '../../../core/ports.js';
import { listsInitial } from './0001_lists.js';

export const listsMigrations: MigrationSet = { module: 'lists', migrations: [listsInitial] };
