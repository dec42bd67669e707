import fs from 'node:fs';
import type { Kysely } from 'kysely';
import { HushError } from '../errors.js';
import { sqliteFile } from './db.js';

// The core's migration history: present in every store Hush has ever opened with permission to create.
const MARKER_TABLE = 'core_migrations';

/** Whether the store holds a Hush instance (its core migrations ran at least once). */
export async function hasInstance(db: Kysely<unknown>): Promise<boolean> {
  const tables = await db.introspection.getTables();
  return tables.some((t) => t.name === MARKER_TABLE);
}

/**
 * Why there is no instance where a command looked, naming the data directory and database, and how to point at the
 * right one. Checked for SQLite before the file is opened, so that looking creates nothing.
 */
export function noInstance(
  config: { dataDir: string; databaseUrl: string | undefined },
  location: string | undefined,
): HushError {
  const looked = config.databaseUrl
    ? `the database ${location} has no Hush tables (data directory ${config.dataDir})`
    : fs.existsSync(config.dataDir)
      ? `the data directory ${config.dataDir} has no database ${sqliteFile(config.dataDir)}`
      : `the data directory ${config.dataDir} does not exist`;
  return new HushError(
    'not_found',
    `No Hush instance here: ${looked}. Admin commands never create one. Name the instance with --data-dir or ` +
      `--database-url (HUSH_DATA_DIR, DATABASE_URL), or create a new one with \`hush admin init\` (or \`hush serve\`).`,
    { reason: 'no_instance' },
  );
}

/** True when no SQLite instance exists in `dataDir`: nothing to open, and opening would create one. */
export const sqliteMissing = (dataDir: string): boolean => !fs.existsSync(sqliteFile(dataDir));
