#!/usr/bin/env node
// Runs the compiled test files with node's test runner, after starting ONE throw-away PostgreSQL cluster for the
// whole run (unless HUSH_TEST_DATABASE_URL names a server already). Arguments filter test files by substring:
// `npm test -- keyring`.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const testDir = path.join(root, 'dist', 'test');
const filters = process.argv.slice(2);

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

const { postgresUnavailableReason, startThrowawayCluster } = await import(path.join(testDir, 'helpers', 'postgres.js'));
let cluster;
if (!process.env.HUSH_TEST_DATABASE_URL) {
  const reason = postgresUnavailableReason();
  if (reason) console.error(`!!! ${reason}`);
  else {
    const t0 = Date.now();
    cluster = await startThrowawayCluster();
    process.env.HUSH_TEST_DATABASE_URL = cluster.url;
    console.error(`PostgreSQL throw-away cluster ready in ${Date.now() - t0} ms`);
  }
}

const child = spawn(process.execPath, ['--test', '--test-concurrency=2', ...files], { stdio: 'inherit', env: process.env });
const stop = () => cluster?.stop();
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  stop();
  process.exit(code ?? (signal ? 1 : 0));
});
