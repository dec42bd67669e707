import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { HUSH_BIN, runCli, spawnServer, type CliRun, type HushProcess } from '../helpers/process.js';

export type { CliRun };
import { randomToken, tempDir } from '../helpers/server.js';

/**
 * A real `hush serve` plus a private config directory: client commands run as subprocesses of the built CLI, with
 * HUSH_URL/HUSH_TOKEN/HUSH_APP/HUSH_ENV cleared unless a test sets them.
 */
export async function startClientFixture() {
  const dir = tempDir('hush-cli-');
  const token = randomToken();
  const server: HushProcess = await spawnServer(['--data-dir', path.join(dir, 'data')], {
    HUSH_BOOTSTRAP_TOKEN: token,
    HUSH_LOG_LEVEL: 'info',
  });
  const configHome = path.join(dir, 'config');
  const baseEnv = (env: Record<string, string>) => ({
    ...process.env,
    XDG_CONFIG_HOME: configHome,
    HUSH_URL: '',
    HUSH_TOKEN: '',
    HUSH_APP: '',
    HUSH_ENV: '',
    ...env,
  });

  /** Never spawnSync: see runCli for why a test must not block while it holds connections to the server. */
  const hush = (args: string[], env: Record<string, string> = {}, input?: string): Promise<CliRun> =>
    runCli(args, { env: baseEnv(env), input });

  /** For tests that signal the CLI while it runs: resolves once `ready` appears on stdout. */
  const hushLive = (args: string[], env: Record<string, string> = {}) => {
    const child = spawn(process.execPath, [HUSH_BIN, ...args], {
      env: baseEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const done = new Promise<CliRun>((resolve) =>
      child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr })),
    );
    const ready = (marker: string) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (stdout.includes(marker)) resolve();
        };
        child.stdout.on('data', check);
        child.on('close', () => reject(new Error(`exited before "${marker}": ${stdout} ${stderr}`)));
        check();
      });
    return { child, done, ready };
  };

  const api = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(server.url + p, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };

  return {
    dir,
    token,
    server,
    configFile: path.join(configHome, 'hush', 'config.json'),
    hush,
    hushLive,
    api,
    /** Logs the CLI in as the bootstrap admin. */
    async login() {
      const r = await hush(['login', '--url', server.url, '--token-stdin'], {}, `${token}\n`);
      if (r.status !== 0) throw new Error(`login failed: ${r.stderr}`);
    },
    async createApp(name: string): Promise<{ id: string; envs: Record<string, string> }> {
      const res = await api('POST', '/v1/apps/', { name });
      return {
        id: res.body.id,
        envs: Object.fromEntries(
          (res.body.environments as { name: string; id: string }[]).map((e) => [e.name.toLowerCase(), e.id]),
        ),
      };
    },
    async close() {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type ClientFixture = Awaited<ReturnType<typeof startClientFixture>>;
