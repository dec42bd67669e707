import { execFile, execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/**
 * Real PostgreSQL for the tests. `HUSH_TEST_DATABASE_URL` names a server where the user may CREATE DATABASE
 * (scripts/run-tests.mjs starts one throw-away cluster for the whole run and sets it); without it, each test process
 * starts its own cluster from Debian's binaries on first use. Every suite gets a fresh database on that server.
 */
const SERVER_ENV = 'HUSH_TEST_DATABASE_URL';

/** CI sets HUSH_TEST_REQUIRE_POSTGRES=1: a missing PostgreSQL must then fail the run, not quietly skip half of it. */
export const HUSH_TEST_REQUIRE_POSTGRES = process.env.HUSH_TEST_REQUIRE_POSTGRES === '1';

// Probing spawns processes and every suite registration asks, so each probe runs once per process.
function once<T>(probe: () => T): () => T {
  let result: { value: T } | undefined;
  return () => (result ??= { value: probe() }).value;
}

const findBinDir = once((): string | undefined => {
  const has = (dir: string) => fs.existsSync(path.join(dir, 'initdb')) && fs.existsSync(path.join(dir, 'pg_ctl'));
  const base = '/usr/lib/postgresql';
  // Debian keeps initdb/pg_ctl off PATH, one directory per major version; prefer the newest.
  const versions = fs.existsSync(base) ? fs.readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions.map((v) => path.join(base, v, 'bin')).find(has);
  return found ?? (process.env.PATH ?? '').split(path.delimiter).find((dir) => dir && has(dir));
});

/** initdb and postgres refuse to run as root, so root runs them as Debian's `postgres` user. */
const userWrapper = once((): ((argv: string[]) => string[]) | undefined => {
  if (process.getuid?.() !== 0) return (argv) => argv;
  if (spawnSync('id', ['-u', 'postgres']).status !== 0) return undefined;
  const onPath = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
  if (onPath('runuser')) return (argv) => ['runuser', '-u', 'postgres', '--', ...argv];
  if (onPath('setpriv'))
    return (argv) => ['setpriv', '--reuid=postgres', '--regid=postgres', '--init-groups', '--', ...argv];
  const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
  return (argv) => ['su', 'postgres', '-s', '/bin/sh', '-c', argv.map(quote).join(' ')];
});

/**
 * Undefined when PostgreSQL suites can run here; otherwise the message to skip them with or, when
 * HUSH_TEST_REQUIRE_POSTGRES=1, to fail them with. Synchronous, so suites can decide at registration.
 */
export function postgresUnavailableReason(options: { ownCluster?: boolean } = {}): string | undefined {
  // A test that stops and starts PostgreSQL needs a cluster of its own, whatever server HUSH_TEST_DATABASE_URL names.
  if (process.env[SERVER_ENV] && !options.ownCluster) return undefined;
  let what: string;
  if (!findBinDir()) what = 'PostgreSQL binaries (initdb/pg_ctl) not found';
  else if (!userWrapper()) what = 'running as root and no `postgres` user exists to run PostgreSQL as';
  else return undefined;
  const hint = "Install Debian's postgresql package.";
  return HUSH_TEST_REQUIRE_POSTGRES
    ? `${what}, and HUSH_TEST_REQUIRE_POSTGRES=1 forbids skipping PostgreSQL tests. ${hint}`
    : `${what}: PostgreSQL tests SKIPPED. ${hint}`;
}

let warned = false;
/** One loud line per process, so a skipped half of the suite is hard to miss. */
export function warnPostgresUnavailable(reason: string): void {
  if (!warned) process.stderr.write(`!!! ${reason}\n`);
  warned = true;
}

/** A loopback port that was free a moment ago and that nothing listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * 'exit' handlers do not run when the process dies from a signal or a test-runner timeout, so a detached watchdog
 * holds a pipe from us and stops the cluster when that pipe closes, however we ended.
 */
function startWatchdog(stopArgv: string[], dir: string): void {
  const script = `process.stdin.resume().on('close', () => {
    require('child_process').spawnSync(process.argv[1], JSON.parse(process.argv[2]), { stdio: 'ignore' });
    require('fs').rmSync(process.argv[3], { recursive: true, force: true });
  });`;
  const [cmd, ...args] = stopArgv as [string, ...string[]];
  const child = spawn(process.execPath, ['-e', script, cmd, JSON.stringify(args), dir], {
    detached: true, // its own process group: a Ctrl-C that kills us must leave it alive to clean up
    stdio: ['pipe', 'ignore', 'ignore'],
    cwd: '/',
  });
  child.unref();
  (child.stdin as unknown as net.Socket).unref();
}

export interface Cluster {
  /** URL of the cluster's `postgres` database, for creating others. */
  url: string;
  /** Synchronous so it also works from an 'exit' handler; idempotent. */
  stop(): void;
  /**
   * `pg_ctl stop -m fast`, keeping the data for `resume`: what a restart or failover does to connected clients (their
   * sessions end with 57P01 admin_shutdown, new connections are refused).
   */
  halt(): Promise<void>;
  /** Starts a halted cluster again, on the same port. */
  resume(): Promise<void>;
  /** `pg_ctl restart -m fast`. */
  restart(): Promise<void>;
}

/** initdb + pg_ctl start on a free loopback port, socket in the temp dir; removed on stop or process exit. */
export async function startThrowawayCluster(): Promise<Cluster> {
  const bin = findBinDir();
  const wrap = userWrapper();
  if (!bin || !wrap) throw new Error(postgresUnavailableReason({ ownCluster: true }) ?? 'PostgreSQL is not available');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hush-pg-'));
  if (process.getuid?.() === 0) execFileSync('chown', ['postgres:', dir]);
  const data = path.join(dir, 'data');
  const log = path.join(dir, 'log');
  const argv = (cmd: string, args: string[]) => wrap([path.join(bin, cmd), ...args]);
  const run = (cmd: string, args: string[]) => {
    const [file, ...rest] = argv(cmd, args) as [string, ...string[]];
    execFileSync(file, rest, { stdio: 'pipe', cwd: dir });
  };
  // Asynchronous, so a test can keep its load running while the cluster goes down and comes back.
  const runAsync = (cmd: string, args: string[]) =>
    new Promise<void>((resolve, reject) => {
      const [file, ...rest] = argv(cmd, args) as [string, ...string[]];
      execFile(file, rest, { cwd: dir }, (err, _stdout, stderr) =>
        err ? reject(new Error(`${cmd} ${args.at(-1)} failed: ${stderr || err.message}`)) : resolve(),
      );
    });
  const stopArgv = argv('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    const [file, ...rest] = stopArgv as [string, ...string[]];
    spawnSync(file, rest, { stdio: 'ignore', cwd: '/' });
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stop);
  try {
    // Durability is pointless for a throw-away cluster; skipping fsync makes initdb and every test much faster.
    run('initdb', ['-D', data, '-U', 'hush', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    startWatchdog(stopArgv, dir);
    // The free port can be taken between probing and binding (parallel test processes), so retry on a new one.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -F -c synchronous_commit=off -c full_page_writes=off -c max_connections=300`;
      try {
        run('pg_ctl', ['-D', data, '-o', options, '-l', log, '-w', '-t', '60', 'start']);
        return {
          url: `postgres://hush@127.0.0.1:${port}/postgres`,
          stop,
          halt: () => runAsync('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop']),
          resume: () => runAsync('pg_ctl', ['-D', data, '-o', options, '-l', log, '-w', '-t', '60', 'start']),
          restart: () =>
            runAsync('pg_ctl', ['-D', data, '-o', options, '-l', log, '-m', 'fast', '-w', '-t', '60', 'restart']),
        };
      } catch (err) {
        if (attempt >= 3)
          throw new Error(
            `pg_ctl start failed: ${String(err)}\n${fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : ''}`,
          );
      }
    }
  } catch (err) {
    stop();
    throw err;
  }
}

let server: Promise<string> | undefined;

function serverUrl(): Promise<string> {
  // Cache the promise, not the result, so concurrent first callers share one cluster.
  server ??= process.env[SERVER_ENV]
    ? Promise.resolve(process.env[SERVER_ENV]!)
    : startThrowawayCluster().then((c) => c.url);
  return server;
}

async function onServer<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {}); // a backend terminated under us must not crash the test process
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * URL of a new, empty database (`hush_t_<hex>`), or undefined after one loud message when PostgreSQL is not available
 * here. Throws instead when HUSH_TEST_REQUIRE_POSTGRES=1, or when PostgreSQL exists but does not work.
 */
export async function freshPostgresDatabase(): Promise<string | undefined> {
  const reason = postgresUnavailableReason();
  if (reason && HUSH_TEST_REQUIRE_POSTGRES) throw new Error(reason);
  if (reason) {
    warnPostgresUnavailable(reason);
    return undefined;
  }
  const base = await serverUrl();
  const name = `hush_t_${randomBytes(6).toString('hex')}`;
  await onServer(base, async (c) => {
    // Copying template1's files is twice as fast as WAL-logging them (PostgreSQL 15's default) for a tiny database.
    const { rows } = await c.query<{ server_version_num: string }>('show server_version_num');
    await c.query(
      `create database ${name}${Number(rows[0]?.server_version_num) >= 150000 ? ' strategy = file_copy' : ''}`,
    );
  });
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Best-effort cleanup of a database from freshPostgresDatabase; never throws. */
export async function dropPostgresDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  // Connect to the server's maintenance database, never to a cluster started just for this.
  const admin = new URL(url);
  admin.pathname = process.env[SERVER_ENV] ? new URL(process.env[SERVER_ENV]!).pathname : '/postgres';
  try {
    await onServer(admin.toString(), async (c) => {
      // DROP DATABASE fails while anything is connected, e.g. a server a test forgot to stop.
      await c.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [name],
      );
      await c.query(`drop database if exists "${name.replaceAll('"', '""')}"`);
    });
  } catch {
    // cleanup only; the cluster is thrown away anyway
  }
}
