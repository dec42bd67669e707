import fs from 'node:fs';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';

/** Every byte the SQLite database has written: the file and its WAL (and journal, if any). */
export function sqliteBytes(dataDir: string): Buffer {
  return Buffer.concat(
    fs
      .readdirSync(dataDir)
      .filter((f) => f.startsWith('hush.db'))
      .map((f) => fs.readFileSync(path.join(dataDir, f))),
  );
}

/**
 * Every row of every table of the PostgreSQL database as text (`row::text`; bytea columns print as hex). The
 * cluster's files are the server's, not the test's, so the rows are what can be searched.
 */
export async function postgresRows(db: Kysely<unknown>): Promise<Buffer> {
  const tables = await sql<{
    name: string;
  }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(
    db,
  );
  const parts: string[] = [];
  for (const { name } of tables.rows) {
    const rows = await sql<{ row: string }>`select t::text as row from ${sql.table(name)} as t`.execute(db);
    for (const { row } of rows.rows) parts.push(row);
  }
  return Buffer.from(parts.join('\n'));
}

/** Where `needle` lies in `haystack` as text, as UTF-16 or as hex (a bytea column), or undefined. */
export function findPlaintext(haystack: Buffer, needle: string): string | undefined {
  if (haystack.includes(needle)) return 'as text';
  if (haystack.includes(Buffer.from(needle, 'utf16le'))) return 'as UTF-16';
  if (haystack.includes(Buffer.from(needle).toString('hex'))) return 'as hex';
  return undefined;
}
