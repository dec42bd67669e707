import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built CLI entry (tests run from dist/test/…). */
export const HUSH_BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/cli/bin.js');

export interface HushProcess {
  child: ChildProcess;
  url: string;
  stdout(): string;
  stop(): Promise<void>;
}

/**
 * Runs `hush serve` as a real process on a free port; resolves once it listens, rejects if it exits first. There is
 * no wall-clock limit: a loaded machine may take long to start a process, and a start that truly hangs is the test
 * runner's to time out. Whatever ends the wait, the process never outlives the test process.
 */
export function spawnServer(
  args: string[],
  env: Record<string, string> = {},
  command: string[] = [HUSH_BIN, 'serve'],
): Promise<HushProcess> {
  const child = spawn(process.execPath, [...command, '--port', '0', ...args], {
    env: { ...process.env, HUSH_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const reap = () => child.kill('SIGKILL');
  process.once('exit', reap);
  child.once('exit', () => process.removeListener('exit', reap));
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    child.on('exit', (code, signal) => reject(new Error(`server exited with ${code ?? signal}:\n${out}\n${err}`)));
    child.stdout!.on('data', function listening(d) {
      out += d;
      const m = /"address":"(http:\/\/[^"]+)"/.exec(out);
      if (!m) return;
      child.stdout!.off('data', listening);
      child.stdout!.on('data', (more) => (out += more));
      resolve({
        child,
        url: m[1]!,
        stdout: () => out,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

export interface CliRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Ten minutes: a run that takes longer is hung, not slow; it is killed so the suite reports it instead of hanging. */
const HUNG_AFTER_MS = 600_000;

/**
 * Runs the built CLI to completion with exactly `env`. Asynchronous on purpose: a test that blocks its event loop
 * (spawnSync) while it holds a keep-alive connection to a server cannot see the server close that connection once
 * it is idle (72 s, Fastify's default), so its next fetch goes out on the dead socket and fails with `fetch failed`.
 * That happened only under load, where CLI runs are slow enough for a test's run of them to pass 72 s. A blocked test
 * also stops reading its servers' log pipes, which can stall a server that logs more than a pipe holds.
 */
export function runCli(
  args: string[],
  options: { env: NodeJS.ProcessEnv; input?: string | undefined },
): Promise<CliRun> {
  return runProcess(process.execPath, [HUSH_BIN, ...args], options);
}

/** Runs any program to completion with exactly `env` and `input` on its standard input (see runCli for why async). */
export function runProcess(
  command: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; input?: string | undefined },
): Promise<CliRun> {
  const child = spawn(command, args, { env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  // A command that exits without reading its input closes the pipe: its exit status tells the test, not EPIPE.
  child.stdin.on('error', () => {});
  child.stdin.end(options.input ?? '');
  const hung = setTimeout(() => child.kill('SIGKILL'), HUNG_AFTER_MS);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status, signal) => {
      clearTimeout(hung);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

/** Runs a `hush` command to completion, with this process's environment plus `env`. */
export function runHush(args: string[], env: Record<string, string> = {}, input?: string): Promise<CliRun> {
  return runCli(args, { env: { ...process.env, ...env }, input });
}

/** Runs a `hush` command without blocking, so several can run at once; resolves when it exits. */
export function runHushAsync(
  args: string[],
  env: Record<string, string> = {},
  options: { cwd?: string } = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [HUSH_BIN, ...args], {
    env: { ...process.env, ...env },
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
