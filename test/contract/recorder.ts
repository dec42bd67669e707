import diagnostics from 'node:diagnostics_channel';
import type { FastifyInstance } from 'fastify';
import type { EngineManifest, RouteRules } from '../../src/core/ports.js';
import type { RouteTableEntry } from '../../src/http/route-table.js';
import { startHush, type RunningHush } from '../helpers/server.js';
import type { ContractResponse } from './fixture.js';

/** The route a request matched, as Fastify saw it, with the rules the server's route table holds for it. */
export interface SeenRoute {
  readonly url: string;
  readonly method: string;
  readonly hidden: boolean;
  /** The route's own response schemas, by status. */
  readonly responses: Record<string, unknown> | undefined;
}

type RequestOptions = Parameters<RunningHush['request']>[2];

/** One request the suite or a fixture made, with its answer and where the server routed it. */
export interface Exchange {
  readonly method: string;
  readonly path: string;
  readonly options: RequestOptions;
  readonly response: ContractResponse;
  readonly requestId: string;
  /** Undefined when no route matched (an unknown path). */
  readonly route: SeenRoute | undefined;
  readonly rules: RouteRules | undefined;
  /** The engine that answered: the route's owner, or for unrouted paths the owner of the longest prefix. */
  readonly engine: string;
  /** Marked by the fixture (ContractRun.changed). */
  change: boolean;
}

export interface RecordedHush {
  readonly hush: RunningHush;
  readonly exchanges: Exchange[];
  readonly routes: readonly RouteTableEntry[];
  /** The server's log lines, at level trace. */
  readonly log: string[];
  /** Sends a request without recording it (the suite's own look-ups). */
  readonly unrecorded: RunningHush['request'];
}

export const routeKey = (r: { method: string; url: string }) => `${r.method} ${r.url}`;

/**
 * A real server at log level trace, logging into memory, whose `request` records every exchange. Which route each
 * request matched is taken from Fastify itself: a root `onRequest` hook added through the channel on which Fastify
 * announces a new instance, before any route exists (as test/http/openapi.test.ts collects its route table). The
 * owner and rules of each route come from the server's own table (`hushRoutes`, src/http/route-table.ts).
 */
export async function startRecordedHush(
  manifests: EngineManifest[],
  databaseUrl: string | undefined,
  dataDir: string,
): Promise<RecordedHush> {
  const seen = new Map<string, SeenRoute>();
  const channel = diagnostics.channel('fastify.initialization');
  const hook = (message: unknown) =>
    (message as { fastify: FastifyInstance }).fastify.addHook('onRequest', async (request) => {
      const options = request.routeOptions;
      if (options.url === undefined) return;
      const schema = options.schema as { hide?: boolean; response?: Record<string, unknown> } | undefined;
      seen.set(String(request.id), {
        url: options.url,
        method: request.method,
        hidden: schema?.hide === true,
        responses: schema?.response,
      });
    });
  const log: string[] = [];
  channel.subscribe(hook);
  let hush: RunningHush;
  try {
    hush = await startHush({
      databaseUrl,
      dataDir,
      engines: manifests,
      env: { HUSH_LOG_LEVEL: 'trace' },
      logStream: { write: (line) => void log.push(line) },
    });
  } finally {
    channel.unsubscribe(hook);
  }
  const routes = hush.app.server.hushRoutes;
  const table = new Map(routes.map((r) => [routeKey(r), r]));
  const byPrefix = manifests
    .flatMap((m) => m.prefixes.map((prefix) => ({ prefix, engine: m.name })))
    .sort((a, b) => b.prefix.length - a.prefix.length);
  const exchanges: Exchange[] = [];
  const unrecorded = hush.request.bind(hush);
  hush.request = async (method, path, options) => {
    const response = await unrecorded(method, path, options);
    const requestId = response.headers.get('x-request-id') ?? '';
    const route = seen.get(requestId);
    const entry = route && table.get(routeKey(route));
    const bare = path.split('?')[0]!;
    const engine = entry?.engine ?? byPrefix.find((p) => bare.startsWith(p.prefix))?.engine ?? 'system';
    exchanges.push({ method, path, options, response, requestId, route, rules: entry?.rules, engine, change: false });
    return response;
  };
  return { hush, exchanges, routes, log, unrecorded };
}
