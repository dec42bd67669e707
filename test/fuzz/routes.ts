import fs from 'node:fs';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/core/config.js';
import { tempDir } from '../helpers/server.js';

/** One method on one path template (`:name` for a parameter, `*` for a wildcard), with what the OpenAPI says of it. */
export interface FuzzRoute {
  method: string;
  template: string;
  /** Query parameter names from the OpenAPI document. */
  query: string[];
  /** The request body's JSON schema, when the OpenAPI document gives one. */
  bodySchema: unknown;
  /** Where the route was found: the OpenAPI document, Fastify's route table, or both. */
  source: 'openapi' | 'fastify' | 'both';
}

interface OpenApiOperation {
  parameters?: { in: string; name: string }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
}

/**
 * Fastify's route tree (`printRoutes({ commonPrefix: false })`) flattened: each line is one node whose path is its
 * ancestors' segments joined; a node with methods is a route.
 */
export function parseRouteTree(tree: string): { method: string; template: string }[] {
  const routes: { method: string; template: string }[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const at = line.search(/[├└]── /);
    if (at < 0) continue;
    const depth = at / 4;
    const m = /^(\S+)(?: \(([^)]*)\))?$/.exec(line.slice(at + 4).trim());
    if (!m) throw new Error(`unexpected route tree line: ${line}`);
    stack.length = depth;
    stack.push(m[1]!);
    const methods =
      m[2]
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean) ?? [];
    for (const method of methods) routes.push({ method, template: stack.join('') });
  }
  return routes;
}

/** Fastify's own route table, from a server built (never listened) on a throw-away data directory. */
export async function fastifyRoutes(): Promise<{ method: string; template: string }[]> {
  const dataDir = tempDir('hush-fuzz-routes-');
  const app = await buildApp(loadConfig({ dataDir, port: 0 }, { HUSH_LOG_LEVEL: 'silent' }), { logger: false });
  try {
    return parseRouteTree(app.server.printRoutes({ commonPrefix: false }));
  } finally {
    await app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Every route of both sources, once; HEAD stays (Fastify answers it for every GET, and it must behave too). */
export function mergeRoutes(
  openapi: { paths: Record<string, Record<string, OpenApiOperation>> },
  table: { method: string; template: string }[],
): FuzzRoute[] {
  const byKey = new Map<string, FuzzRoute>();
  for (const [path, operations] of Object.entries(openapi.paths)) {
    const template = path.replace(/\{([^}]+)\}/g, ':$1');
    for (const [method, op] of Object.entries(operations)) {
      const body = op.requestBody?.content?.['application/json']?.schema;
      byKey.set(`${method.toUpperCase()} ${template}`, {
        method: method.toUpperCase(),
        template,
        query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
        bodySchema: body,
        source: 'openapi',
      });
    }
  }
  for (const { method, template } of table) {
    const known = byKey.get(`${method} ${template}`);
    if (known) known.source = 'both';
    else byKey.set(`${method} ${template}`, { method, template, query: [], bodySchema: undefined, source: 'fastify' });
  }
  return [...byKey.values()].sort((a, b) =>
    a.template === b.template ? a.method.localeCompare(b.method) : a.template.localeCompare(b.template),
  );
}
