import os from 'node:os';
import type { AuditActor } from '../core/audit/log.js';
import type { EngineManifest } from '../core/ports.js';
import type { Core } from '../core/index.js';
import type { MigrationSet } from '../core/store/migrate.js';
import { configFrom } from './options.js';

/**
 * Opens the instance's store directly (admin commands run on the server's machine, next to its data), migrated
 * exactly as the server would, and closes it when `work` ends. The instance must exist unless `create` is set
 * (`hush admin init`): a mistyped or missing --data-dir is an error naming where it looked, never a new instance.
 */
export async function withLocalCore<T>(
  options: { dataDir?: string; databaseUrl?: string },
  work: (core: Core) => Promise<T>,
  how: { create?: boolean; quietAboutRotation?: boolean } = {},
): Promise<T> {
  // Loaded on use, so that `hush --help` and the client commands start fast.
  const [{ createCore }, engines, { interruptedRotationAdvice }] = await Promise.all([
    import('../core/index.js'),
    loadEngines(),
    import('../core/keyring/problems.js'),
  ]);
  const migrations = engines.map((e) => e.migrations).filter((m): m is MigrationSet => m !== undefined);
  const core = await createCore(configFrom(options), migrations, {
    create: how.create ?? false,
    objectTypes: engines.flatMap((e) => e.objectTypes ?? []),
  });
  try {
    const rotation = core.keyringState.interruptedRotation;
    if (rotation && !how.quietAboutRotation)
      process.stderr.write(`hush: warning: ${interruptedRotationAdvice(rotation, core.config)}\n`);
    return await work(core);
  } finally {
    await core.close();
  }
}

/** The engines this build serves, loaded on use so that `hush --help` and the client commands start fast. */
export async function loadEngines(): Promise<EngineManifest[]> {
  return (await import('../engines/index.js')).allEngines();
}

/** Audit entries made from the command line name the operating-system account that ran it. */
export function cliActor(): AuditActor {
  return { userId: null, username: `cli:${os.userInfo().username}`, tokenId: null, clientIp: null, requestId: null };
}

export function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}
