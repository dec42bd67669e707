import { after, before, describe, it } from 'node:test';
import {
  HUSH_TEST_REQUIRE_POSTGRES,
  dropPostgresDatabase,
  freshPostgresDatabase,
  postgresUnavailableReason,
  warnPostgresUnavailable,
} from './postgres.js';

/**
 * Runs a suite once per store dialect:
 *
 *   forEachDialect('keyring', (dialect) => {
 *     before(async () => { core = await createCore(loadConfig({ dataDir, databaseUrl: dialect.databaseUrl }, {})); });
 *     it('…', async () => { … });
 *   });
 *
 * A PostgreSQL database can only be created asynchronously, so `dialect.databaseUrl` is filled in by a `before` hook
 * registered ahead of the suite's own: read it inside hooks and tests, never in the body at registration time.
 * Each postgres suite gets its own fresh database, dropped after the suite's own `after` hooks have run.
 *
 * Whether PostgreSQL can run at all (binaries or HUSH_TEST_DATABASE_URL present) is known synchronously, so the
 * postgres suite is visibly skipped (`# SKIP`, plus one `!!!` line on stderr) when it cannot, or fails when
 * HUSH_TEST_REQUIRE_POSTGRES=1. When PostgreSQL is present but broken, the suite's `before` hook fails: never a skip.
 */
export interface Dialect {
  readonly name: 'sqlite' | 'postgres';
  databaseUrl: string | undefined;
}

export function forEachDialect(title: string, body: (dialect: Dialect) => void): void {
  describe(`${title} [sqlite]`, () => body({ name: 'sqlite', databaseUrl: undefined }));

  const name = `${title} [postgres]`;
  const reason = postgresUnavailableReason();
  if (reason) {
    if (!HUSH_TEST_REQUIRE_POSTGRES) warnPostgresUnavailable(reason);
    // One placeholder test rather than a skipped suite: Node 20's summary counts skipped tests, not suites.
    describe(name, () => {
      it('(all tests: PostgreSQL unavailable)', HUSH_TEST_REQUIRE_POSTGRES ? {} : { skip: reason }, () => {
        throw new Error(reason);
      });
    });
    return;
  }

  const dialect: Dialect = { name: 'postgres', databaseUrl: undefined };
  describe(name, () => {
    before(async () => {
      dialect.databaseUrl = await freshPostgresDatabase();
    });
    body(dialect);
    // Registered last because `after` hooks run in registration order: the suite closes its connections first.
    after(async () => {
      if (dialect.databaseUrl) await dropPostgresDatabase(dialect.databaseUrl);
    });
  });
}
