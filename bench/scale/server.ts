import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { describeExit, stopChild, tail, watchExit } from '../child.js';
import type { Cleanup } from '../cleanup.js';

export interface ScaleServer {
  baseUrl: string;
  pid: number;
  /** Milliseconds from spawning the process to the first 200 of /readyz. */
  startupMs: number;
  stop(): Promise<void>;
  output(): string;
}

const READY_TIMEOUT_MS = 600_000;

/** A memory figure of the server process from /proc (kB → MiB): `VmRSS` now, `VmHWM` the peak so far. */
export function memoryOf(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/** `hush serve` on an existing (or new) data dir, at the default log level, with only the settings given here. */
export async function startScaleServer(
  entry: string,
  dataDir: string,
  port: number,
  adminToken: string,
  cleanup: Cleanup,
): Promise<ScaleServer> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('HUSH_') && k !== 'DATABASE_URL') env[k] = v;
  const started = performance.now();
  const args = [entry, 'serve', '--host', '127.0.0.1', '--port', String(port), '--data-dir', dataDir];
  const child = spawn(process.execPath, args, {
    env: { ...env, HUSH_BOOTSTRAP_TOKEN: adminToken, HUSH_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = watchExit(child);
  const stop = () => stopChild(child, exited, 30_000);
  cleanup.defer(stop);
  const stdout = tail(child.stdout);
  const stderr = tail(child.stderr);
  const output = () => `--- Hush stderr ---\n${stderr()}\n--- Hush stdout ---\n${stdout()}`;
  let exit: Awaited<typeof exited> | undefined;
  void exited.then((info) => (exit = info));
  const baseUrl = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + READY_TIMEOUT_MS; ;) {
    if (exit) throw new Error(`Hush ${describeExit(exit)} before it was ready\n${output()}`);
    try {
      const res = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`Hush was not ready within ${READY_TIMEOUT_MS / 1000} s\n${output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return { baseUrl, pid: child.pid!, startupMs: performance.now() - started, stop, output };
}
