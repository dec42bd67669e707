import type { Command } from 'commander';
import { loadConfig, type HushConfig } from '../core/config.js';

/** The options that say where an instance keeps its data; shared by `serve` and every `admin` command. */
export function withStoreOptions(command: Command): Command {
  return command
    .option(
      '--data-dir <dir>',
      'directory holding the SQLite database and root key (env HUSH_DATA_DIR, default ./data)',
    )
    .option('--database-url <url>', 'PostgreSQL URL instead of SQLite (env DATABASE_URL)');
}

export function configFrom(options: {
  dataDir?: string;
  databaseUrl?: string;
  host?: string;
  port?: string;
  logLevel?: string;
  publicUrl?: string;
}): HushConfig {
  return loadConfig({
    dataDir: options.dataDir,
    databaseUrl: options.databaseUrl,
    host: options.host,
    port: options.port,
    logLevel: options.logLevel,
    publicUrl: options.publicUrl,
  });
}
