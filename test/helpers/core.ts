import fs from 'node:fs';
import { after, before } from 'node:test';
import { loadConfig } from '../../src/core/config.js';
import { createCore, type Core } from '../../src/core/index.js';
import type { Dialect } from './dialects.js';
import { tempDir } from './server.js';

/**
 * A core on a fresh data dir (and, on PostgreSQL, the suite's database) for the tests of one `forEachDialect` suite:
 * made before its first test, closed and removed after its last. Read `core` and `dir` inside hooks and tests.
 */
export function suiteCore(dialect: Dialect): { readonly core: Core; readonly dir: string } {
  const made: { core?: Core; dir?: string } = {};
  before(async () => {
    made.dir = tempDir();
    made.core = await createCore(loadConfig({ dataDir: made.dir, databaseUrl: dialect.databaseUrl }, {}));
  });
  after(async () => {
    await made.core?.close();
    if (made.dir) fs.rmSync(made.dir, { recursive: true, force: true });
  });
  return {
    get core() {
      return made.core!;
    },
    get dir() {
      return made.dir!;
    },
  };
}
