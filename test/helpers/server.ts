import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp, type App } from '../../src/app.js';
import { bootstrapAdmin } from '../../src/core/bootstrap.js';
import { loadConfig } from '../../src/core/config.js';
import type { EngineManifest } from '../../src/core/ports.js';
import type { LogStream } from '../../src/http/logging.js';
import { checkResponseSchemas } from './response-schemas.js';

checkResponseSchemas();

export interface RunningHush {
  url: string;
  /** The bootstrap admin's token. */
  token: string;
  dataDir: string;
  app: App;
  /** fetch against this server with the admin token unless `token: null` or another token is given. */
  request(
    method: string,
    path: string,
    options?: { body?: unknown; token?: string | null; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

export const randomToken = () => randomBytes(20).toString('hex');

export function tempDir(prefix = 'hush-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A real Hush on a loopback port with a fresh data directory; `databaseUrl` selects PostgreSQL. */
export async function startHush(
  options: {
    databaseUrl?: string | undefined;
    env?: Record<string, string>;
    engines?: EngineManifest[];
    dataDir?: string;
    /** Where the server logs (at HUSH_LOG_LEVEL); without it the server does not log. */
    logStream?: LogStream;
  } = {},
): Promise<RunningHush> {
  const dataDir = options.dataDir ?? tempDir();
  const token = options.env?.HUSH_BOOTSTRAP_TOKEN ?? randomToken();
  const config = loadConfig(
    { dataDir, databaseUrl: options.databaseUrl, port: 0, host: '127.0.0.1' },
    { HUSH_BOOTSTRAP_TOKEN: token, HUSH_LOG_LEVEL: 'silent', ...options.env },
  );
  const app = await buildApp(config, {
    ...(options.logStream ? { logStream: options.logStream } : { logger: false }),
    ...(options.engines ? { engines: options.engines } : {}),
  });
  const url = await app.server.listen({ host: '127.0.0.1', port: 0 });
  // As `hush serve` does, once it listens: the admin with HUSH_BOOTSTRAP_TOKEN.
  await bootstrapAdmin(app.core);
  return {
    url,
    token,
    dataDir,
    app,
    async request(method, p, o = {}) {
      const headers: Record<string, string> = { ...o.headers };
      const t = o.token === undefined ? token : o.token;
      if (t !== null) headers.authorization ??= `Token ${t}`;
      let body: string | undefined;
      if (o.body !== undefined) {
        body = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(url + p, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    async close() {
      await app.close();
      if (!options.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
