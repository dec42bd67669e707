import type { LegacyEngineContext as EngineContext } from '../../../core/ports.js';
import { createListsContext } from './context.js';
import { createListService } from './lists.js';
import { createSecretResolver } from './resolver.js';
import { createValueService } from './values.js';

const byContext = new WeakMap<EngineContext, ReturnType<typeof build>>();

function build(ctx: EngineContext) {
  const lc = createListsContext(ctx);
  return { lists: createListService(lc), values: createValueService(lc), resolver: createSecretResolver(lc) };
}

/** One set of services per engine context, shared by the routes and the `secret` reference resolver. */
export function listsServices(ctx: EngineContext) {
  let services = byContext.get(ctx);
  if (!services) {
    services = build(ctx);
    byContext.set(ctx, services);
  }
  return services;
}

export type ListsServices = ReturnType<typeof listsServices>;
