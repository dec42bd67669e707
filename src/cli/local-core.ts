import os from 'node:os';
import type { AuditActor } from '../core/audit/log.js';
import { objectTypesWith, type ObjectTypeRegistry } from '../core/identity/object-types.js';
import type { EngineManifest } from '../core/ports.js';
import type { Core } from '../core/index.js';
import type { MigrationSet } from '../core/store/migrate.js';
import { configFrom } from './options.js';

/**
 * Opens the instance's store directly (admin commands run on the server's machine, next to its data), migrated
 * exactly as the server would, and closes it when `work` ends.
 */
export async function withLocalCore<T>(options: { dataDir?: string; databaseUrl?: string }, work: (core: Core) => Promise<T>): Promise<T> {
  const [{ createCore }, engines] = await Promise.all([import('../core/index.js'), loadEngines()]);
  const migrations = engines.map((e) => e.migrations).filter((m): m is MigrationSet => m !== undefined);
  const core = await createCore(configFrom(options), migrations, engines.flatMap((e) => e.objectTypes ?? []));
  try {
    return await work(core);
  } finally {
    await core.close();
  }
}

/** The engines this build serves, loaded on use so that `hush --help` and the client commands start fast. */
async function loadEngines(): Promise<EngineManifest[]> {
  return (await import('../engines/index.js')).allEngines();
}

/** The object types and actions permissions can name, as a server of this build checks them; no store needed. */
export async function localObjectTypes(): Promise<ObjectTypeRegistry> {
  return objectTypesWith((await loadEngines()).flatMap((e) => e.objectTypes ?? []));
}

/** Audit entries made from the command line name the operating-system account that ran it. */
export function cliActor(): AuditActor {
  return { userId: null, username: `cli:${os.userInfo().username}`, tokenId: null, clientIp: null, requestId: null };
}

export function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}
