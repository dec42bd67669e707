import type { FastifyInstance } from 'fastify';
import { bootstrapAdmin, type BootstrapResult } from './core/bootstrap.js';
import type { HushConfig } from './core/config.js';
import { createCore, type Core } from './core/index.js';
import type { EngineManifest } from './core/ports.js';
import type { MigrationSet } from './core/store/migrate.js';
import { allEngines } from './engines/index.js';
import { buildServer } from './http/server.js';
import { HUSH_VERSION } from './core/version.js';

export interface App {
  server: FastifyInstance;
  core: Core;
  /** Set on the start that created the first admin; the only time its token is known. */
  bootstrap: BootstrapResult | undefined;
  close(): Promise<void>;
}

/** Composes core, engines and HTTP server. Never listens: `main.ts` and the tests do that. */
export async function buildApp(config: HushConfig, options: { engines?: EngineManifest[]; logger?: boolean } = {}): Promise<App> {
  const engines = options.engines ?? allEngines();
  const migrations = engines.map((e) => e.migrations).filter((m): m is MigrationSet => m !== undefined);
  const core = await createCore(config, migrations, { objectTypes: engines.flatMap((e) => e.objectTypes ?? []) });
  try {
    const bootstrap = await bootstrapAdmin(core);
    const server = await buildServer(core, engines, { version: HUSH_VERSION, ...(options.logger === undefined ? {} : { logger: options.logger }) });
    await server.ready();
    return {
      server,
      core,
      bootstrap,
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
