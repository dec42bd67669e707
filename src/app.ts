import type { FastifyInstance } from 'fastify';
import type { HushConfig } from './core/config.js';
import { createCore, type Core } from './core/index.js';
import type { EngineManifest } from './core/ports.js';
import type { MigrationSet } from './core/store/migrate.js';
import { allEngines } from './engines/index.js';
import type { LogStream } from './http/logging.js';
import { buildServer } from './http/server.js';
import { HUSH_VERSION } from './core/version.js';

export interface App {
  server: FastifyInstance;
  core: Core;
  close(): Promise<void>;
}

/**
 * Composes core, engines and HTTP server. Never listens (`main.ts` and the tests do that) and creates no admin:
 * `bootstrapAdmin` runs once the server listens, so a start that fails first leaves no admin whose token nobody saw.
 */
export async function buildApp(
  config: HushConfig,
  options: { engines?: EngineManifest[]; logger?: boolean; logStream?: LogStream } = {},
): Promise<App> {
  const engines = options.engines ?? allEngines();
  const migrations = engines.map((e) => e.migrations).filter((m): m is MigrationSet => m !== undefined);
  const core = await createCore(config, migrations, {
    objectTypes: engines.flatMap((e) => e.objectTypes ?? []),
    checkpointThread: config.sqliteCheckpointThread,
  });
  try {
    const server = await buildServer(core, engines, {
      version: HUSH_VERSION,
      ...(options.logger === undefined ? {} : { logger: options.logger }),
      ...(options.logStream ? { logStream: options.logStream } : {}),
    });
    await server.ready();
    return {
      server,
      core,
      close: async () => {
        await server.close();
        await core.close();
      },
    };
  } catch (e) {
    await core.close();
    throw e;
  }
}
