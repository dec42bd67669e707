import type { FastifyInstance } from 'fastify';
import type { RouteRules } from '../core/ports.js';

/** One served route with the owner that registered it and the rules the core enforces on it. */
export interface RouteTableEntry {
  /** The engine's name, or `system` for health, metrics and readiness. */
  readonly engine: string;
  readonly method: string;
  readonly url: string;
  readonly rules: RouteRules;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every engine and system route with its rules, filled in as routes are registered (the contract suite reads it). */
    hushRoutes: readonly RouteTableEntry[];
  }
}

/** Decorates `app` with the (still empty) route table; `recordRoutes` fills it from each owner's scope. */
export function installRouteTable(app: FastifyInstance): RouteTableEntry[] {
  const table: RouteTableEntry[] = [];
  app.decorate('hushRoutes', table);
  return table;
}

/** Adds each route registered in `scope` to the table, under `owner`. */
export function recordRoutes(scope: FastifyInstance, owner: string, table: RouteTableEntry[]): void {
  scope.addHook('onRoute', (route) => {
    const rules = (route.config as { hush?: RouteRules } | undefined)?.hush;
    // requireDeclaredAccess refuses a route without rules; nothing to record for it.
    if (!rules) return;
    for (const method of [route.method].flat()) table.push({ engine: owner, method, url: route.url, rules });
  });
}
