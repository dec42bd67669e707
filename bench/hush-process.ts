import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describeExit, stopChild, tail, watchExit, type ExitInfo } from './child.js';
import type { Cleanup } from './cleanup.js';

export interface HushProcess {
  baseUrl: string;
  adminToken: string;
  /** recent stdout and stderr of the server, for explaining failures */
  output(): string;
}

const READY_TIMEOUT_MS = 60_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * The caller's HUSH_* and DATABASE_URL would silently change what is measured (another database, another root key,
 * a non-loopback address), so the server gets only the settings chosen here.
 */
function serverEnv(adminToken: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('HUSH_') && key !== 'DATABASE_URL') env[key] = value;
  }
  return { ...env, HUSH_BOOTSTRAP_TOKEN: adminToken, HUSH_LOG_LEVEL: 'warn' };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts `node <entry> serve` on a free loopback port with a fresh data dir and waits for /readyz. */
export async function startHush(entry: string, cleanup: Cleanup): Promise<HushProcess> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'hush-bench-'));
  cleanup.defer(() => rm(dataDir, { recursive: true, force: true }));

  const port = await freePort();
  const adminToken = randomBytes(20).toString('hex');
  const args = [entry, 'serve', '--host', '127.0.0.1', '--port', String(port), '--data-dir', dataDir];
  const child = spawn(process.execPath, args, { env: serverEnv(adminToken), stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = watchExit(child);
  cleanup.defer(() => stopChild(child, exited));

  const stdout = tail(child.stdout);
  const stderr = tail(child.stderr);
  const output = () => `--- Hush stderr ---\n${stderr() || '(empty)'}\n--- Hush stdout ---\n${stdout() || '(empty)'}`;

  let exit: (ExitInfo & { error?: Error }) | undefined;
  void exited.then((info) => (exit = info));

  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = 'no answer yet';
  for (;;) {
    if (exit)
      throw new Error(
        `Hush ${describeExit(exit)} before it was ready (${process.execPath} ${args.join(' ')})\n${output()}`,
      );
    try {
      const res = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200) return { baseUrl, adminToken, output };
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Hush did not answer 200 on ${baseUrl}/readyz within ${READY_TIMEOUT_MS / 1000} s (last: ${last})\n${output()}`,
      );
    }
    // Racing the exit means a crash is reported at once instead of after the timeout.
    await Promise.race([sleep(100), exited]);
  }
}
