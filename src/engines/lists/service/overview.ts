import type { Caller, OverviewCount } from '../../../core/ports.js';
import type { ListsServices } from './index.js';

/** The secret lists the caller may view. */
export async function listsOverview(s: ListsServices, caller: Caller): Promise<OverviewCount[]> {
  return [{ what: 'lists', count: (await s.lists.list(caller)).length }];
}
