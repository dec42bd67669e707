import SQLite from 'better-sqlite3';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { HUSH_BIN, runHush, spawnServer, type HushProcess } from '../helpers/process.js';
import { randomToken, tempDir } from '../helpers/server.js';

/** Read-only SQL on the instance's database, whichever dialect: `?` placeholders on both. */
export interface Inspector {
  all<T = Record<string, unknown>>(sqlText: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

async function openInspector(dataDir: string, databaseUrl: string | undefined): Promise<Inspector> {
  if (!databaseUrl) {
    const db = new SQLite(path.join(dataDir, 'hush.db'), { readonly: true, fileMustExist: true });
    return { all: async (q, params = []) => db.prepare(q).all(...params) as never, close: async () => void db.close() };
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on('error', () => {});
  await client.connect();
  return {
    all: async (q, params = []) => {
      let n = 0;
      return (
        await client.query(
          q.replace(/\?/g, () => `$${++n}`),
          params,
        )
      ).rows as never;
    },
    close: () => client.end(),
  };
}

export interface ApiAnswer {
  status: number;
  body: any;
}

/**
 * One Hush instance (a data directory, and a PostgreSQL database when given) served by a real `hush serve` that the
 * suite kills with SIGKILL and starts again on the same data, as a crashed host would be restarted.
 */
export class CrashTarget {
  readonly dir = tempDir('hush-crash-');
  readonly dataDir = path.join(this.dir, 'data');
  readonly token = randomToken();
  server: HushProcess | undefined;

  constructor(readonly databaseUrl: string | undefined) {}

  private get storeArgs(): string[] {
    return ['--data-dir', this.dataDir, ...(this.databaseUrl ? ['--database-url', this.databaseUrl] : [])];
  }

  get url(): string {
    if (!this.server) throw new Error('the server is not running');
    return this.server.url;
  }

  async start(): Promise<void> {
    this.server = await spawnServer(this.storeArgs, { HUSH_BOOTSTRAP_TOKEN: this.token, HUSH_LOG_LEVEL: 'info' });
  }

  /** kill -9, then wait until the process is gone (and, on PostgreSQL, its sessions with it). */
  async kill(): Promise<void> {
    const child = this.server?.child;
    this.server = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const killedAt = new Date();
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
    if (this.databaseUrl) await this.waitForSessionsBefore(killedAt);
  }

  /**
   * The dead process's backends end when PostgreSQL notices the closed sockets; a COMMIT already sent still
   * completes. Checking before they are gone could see a transaction that commits a moment later.
   */
  private async waitForSessionsBefore(killedAt: Date): Promise<void> {
    const db = await this.inspector();
    try {
      for (let i = 0; i < 200; i++) {
        const [row] = await db.all<{ n: number }>(
          'select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and backend_start < ?',
          [killedAt],
        );
        if (row?.n === 0) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('the killed server still has sessions on PostgreSQL after 10 s');
    } finally {
      await db.close();
    }
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = undefined;
  }

  async api(method: string, p: string, body?: unknown, token = this.token): Promise<ApiAnswer> {
    const res = await fetch(this.url + p, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  /** A `hush` client command against this server (HUSH_URL/HUSH_TOKEN set), running until it exits. */
  cli(args: string[]): { done: Promise<{ status: number | null; stdout: string; stderr: string }> } {
    const child = spawn(process.execPath, [HUSH_BIN, ...args], {
      env: {
        ...process.env,
        XDG_CONFIG_HOME: path.join(this.dir, 'config'),
        HUSH_URL: this.url,
        HUSH_TOKEN: this.token,
        HUSH_APP: '',
        HUSH_ENV: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    return { done: new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr }))) };
  }

  /** `hush admin audit verify` on the instance's store: the exit status and its report. */
  async verifyAudit(): Promise<{ status: number | null; output: string }> {
    const r = await runHush(['admin', 'audit', 'verify', '--json', ...this.storeArgs], { HUSH_LOG_LEVEL: 'silent' });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  }

  inspector(): Promise<Inspector> {
    return openInspector(this.dataDir, this.databaseUrl);
  }

  async close(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Resolves after `ms`, or at once for 0. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
