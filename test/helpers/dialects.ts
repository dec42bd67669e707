import { before, describe } from 'node:test';
import { freshPostgresDatabase, postgresUnavailableReason } from './postgres.js';

/**
 * Runs a suite once per store dialect (STYLE.md §8.12b). `databaseUrl` is filled in by a `before` hook that runs
 * ahead of the suite's own, so read it inside hooks and tests, never at registration time.
 */
export interface Dialect {
  readonly name: 'sqlite' | 'postgres';
  databaseUrl: string | undefined;
}

export function forEachDialect(title: string, body: (dialect: Dialect) => void): void {
  describe(`${title} [sqlite]`, () => body({ name: 'sqlite', databaseUrl: undefined }));
  const skip = postgresUnavailableReason();
  const postgres: Dialect = { name: 'postgres', databaseUrl: undefined };
  describe(`${title} [postgres]`, skip ? { skip } : {}, () => {
    before(async () => {
      postgres.databaseUrl = await freshPostgresDatabase();
    });
    body(postgres);
  });
}
