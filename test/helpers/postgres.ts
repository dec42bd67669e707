import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/**
 * Real PostgreSQL for the tests. `HUSH_TEST_DATABASE_URL` names a server to use (scripts/run-tests.mjs starts one
 * throw-away cluster for the whole run and sets it); otherwise each test process starts its own cluster from
 * Debian's binaries. Each suite gets a fresh database on that server.
 */
const SERVER_ENV = 'HUSH_TEST_DATABASE_URL';

function findBinDir(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (fs.existsSync(base)) {
    const versions = fs.readdirSync(base).filter((v) => fs.existsSync(path.join(base, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return path.join(base, versions[0], 'bin');
  }
  const which = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' });
  return which.status === 0 ? path.dirname(which.stdout.trim()) : undefined;
}

/** Why PostgreSQL suites cannot run here, or undefined when they can. */
export function postgresUnavailableReason(): string | undefined {
  if (process.env[SERVER_ENV] || findBinDir()) return undefined;
  const reason = 'PostgreSQL binaries (initdb/pg_ctl) not found: PostgreSQL tests SKIPPED. Install Debian\'s postgresql package.';
  if (process.env.HUSH_TEST_REQUIRE_POSTGRES === '1') throw new Error(`${reason} (HUSH_TEST_REQUIRE_POSTGRES=1 forbids skipping)`);
  return reason;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface Cluster {
  /** URL of the cluster's `postgres` database, for creating others. */
  url: string;
  stop(): void;
}

/** initdb + pg_ctl start on a loopback port; PostgreSQL refuses to run as root, so root runs it as `postgres`. */
export async function startThrowawayCluster(): Promise<Cluster> {
  const bin = findBinDir();
  if (!bin) throw new Error('PostgreSQL binaries not found');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hush-pg-'));
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) => {
    const full = asRoot ? ['runuser', ['-u', 'postgres', '--', path.join(bin, cmd), ...args]] as const : [path.join(bin, cmd), args] as const;
    execFileSync(full[0], [...full[1]], { stdio: 'pipe', cwd: dir });
  };
  if (asRoot) execFileSync('chown', ['postgres:postgres', dir]);
  const data = path.join(dir, 'data');
  run('initdb', ['-D', data, '-U', 'hush', '--auth=trust', '-E', 'UTF8', '--no-sync', '--locale=C']);
  const port = await freePort();
  // Durability is pointless for a throw-away cluster; these settings make it several times faster.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -F -c synchronous_commit=off -c full_page_writes=off -c max_connections=300`;
  run('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'log'), '-w', '-t', '60', 'start']);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } catch {
      // already gone
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stop);
  return { url: `postgres://hush@127.0.0.1:${port}/postgres`, stop };
}

let server: Promise<string> | undefined;
let warned = false;

/** A new, empty database, or undefined (after one loud message) when PostgreSQL is not available. */
export async function freshPostgresDatabase(): Promise<string | undefined> {
  const reason = postgresUnavailableReason();
  if (reason) {
    if (!warned) process.stderr.write(`!!! ${reason}\n`);
    warned = true;
    return undefined;
  }
  server ??= process.env[SERVER_ENV] ? Promise.resolve(process.env[SERVER_ENV]!) : startThrowawayCluster().then((c) => c.url);
  const serverUrl = await server;
  const name = `hush_t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
