import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describeExit, stopChild, watchExit, type ExitInfo } from './child.js';
import type { Cleanup } from './cleanup.js';

export interface HushProcess {
  baseUrl: string;
  adminToken: string;
  /** the server's process id, whose CPU time the run reads */
  pid: number | undefined;
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

/** The log level Hush runs at: its default, which logs every request, so the figures are what a user gets. */
export const HUSH_LOG_LEVEL = 'info';

/**
 * The caller's HUSH_* and DATABASE_URL would silently change what is measured (another database, another root key,
 * a non-loopback address, a quieter log level), so the server gets only the settings chosen here.
 */
function serverEnv(adminToken: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('HUSH_') && key !== 'DATABASE_URL') env[key] = value;
  }
  return { ...env, HUSH_BOOTSTRAP_TOKEN: adminToken, HUSH_LOG_LEVEL };
}

/** The end of the log file, enough to explain a crash without holding a whole log. */
function logTail(file: string, limit = 16_000): string {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    const buffer = Buffer.alloc(Math.min(limit, size));
    readSync(fd, buffer, 0, buffer.length, size - buffer.length);
    return buffer.toString('utf8');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts `node <entry> serve` on a free loopback port with a fresh data dir and waits for /readyz. */
export async function startHush(entry: string, cleanup: Cleanup): Promise<HushProcess> {
  const runDir = await mkdtemp(path.join(os.tmpdir(), 'hush-bench-'));
  cleanup.defer(() => rm(runDir, { recursive: true, force: true }));
  const dataDir = path.join(runDir, 'data');
  // Request logs at `info` go to a file, as to a log collector: piping them into this process would take CPU from
  // the load generator, which shares the machine.
  const logFile = path.join(runDir, 'hush.log');
  const log = openSync(logFile, 'a', 0o600);

  const port = await freePort();
  const adminToken = randomBytes(20).toString('hex');
  const args = [entry, 'serve', '--host', '127.0.0.1', '--port', String(port), '--data-dir', dataDir];
  const child = spawn(process.execPath, args, { env: serverEnv(adminToken), stdio: ['ignore', log, log] });
  closeSync(log);
  const exited = watchExit(child);
  cleanup.defer(() => stopChild(child, exited));

  const output = () => `--- Hush stdout and stderr (${logFile}) ---\n${logTail(logFile) || '(empty)'}`;

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
      if (res.status === 200) return { baseUrl, adminToken, pid: child.pid, output };
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
