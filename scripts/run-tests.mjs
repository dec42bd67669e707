#!/usr/bin/env node
// Runs the compiled test files with node's test runner, after starting ONE throw-away PostgreSQL cluster for the
// whole run (unless HUSH_TEST_DATABASE_URL names a server already), so test processes share it instead of each
// paying for initdb. Arguments filter test files by substring of their path under dist/test: `npm test -- keyring`.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const testDir = path.join(root, 'dist', 'test');
const filters = process.argv.slice(2);

if (!fs.existsSync(testDir)) {
  console.error(`${path.relative(root, testDir)} does not exist: build first (npm run build)`);
  process.exit(1);
}

// Node 20's `node --test` takes no globs, so list the files ourselves.
function find(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? find(full) : e.name.endsWith('.test.js') ? [full] : [];
  });
}

const files = find(testDir)
  .filter((f) => !filters.length || filters.some((x) => path.relative(testDir, f).includes(x)))
  .sort();
if (!files.length) {
  console.error(`no test files match ${filters.join(', ')}`);
  process.exit(1);
}

// The helper is the single copy of the cluster logic; the build that precedes `npm test` compiles it.
const helper = pathToFileURL(path.join(testDir, 'helpers', 'postgres.js')).href;
const { postgresUnavailableReason, startThrowawayCluster, warnPostgresUnavailable } = await import(helper);
let cluster;
if (!process.env.HUSH_TEST_DATABASE_URL) {
  const reason = postgresUnavailableReason();
  // No early exit under HUSH_TEST_REQUIRE_POSTGRES: the postgres suites fail themselves, which names each one.
  if (reason) warnPostgresUnavailable(reason);
  else {
    const t0 = Date.now();
    try {
      cluster = await startThrowawayCluster();
    } catch (err) {
      console.error(
        `!!! could not start the throw-away PostgreSQL cluster: ${err instanceof Error ? err.message : err}`,
      );
      process.exit(1);
    }
    process.env.HUSH_TEST_DATABASE_URL = cluster.url;
    console.error(`PostgreSQL throw-away cluster ready in ${Date.now() - t0} ms (${cluster.url})`);
  }
}

const child = spawn(process.execPath, ['--test', '--test-concurrency=2', ...files], {
  stdio: 'inherit',
  env: process.env,
});
// A terminal's Ctrl-C reaches the child too; forwarding covers `kill <pid>` of this script alone. Either way we wait
// for the child to exit, then stop the cluster (the helper's exit handler and watchdog are the fallbacks).
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  cluster?.stop();
  process.exit(code ?? (signal ? 1 : 0));
});
