import type { EngineContext } from '../../../core/ports.js';
import type { ListsTables } from '../tables.js';
import { createListsContext } from './context.js';
import { createListService } from './lists.js';
import { createSecretResolver } from './resolver.js';
import { createValueService } from './values.js';

/** The engine's services, built once by `create`: the routes and the `secret` reference resolver share them. */
export function listsServices(ctx: EngineContext<ListsTables>) {
  const lc = createListsContext(ctx);
  return { lists: createListService(lc), values: createValueService(lc), resolver: createSecretResolver(lc) };
}

export type ListsServices = ReturnType<typeof listsServices>;
