import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describeExit, stopChild, tail, watchExit } from './child.js';
import type { Cleanup } from './cleanup.js';

export interface Ceiling {
  baseUrl: string;
  /** the server's process id, whose CPU time the run reads */
  pid: number | undefined;
  /** path on the ceiling server that answers like the given scenario */
  pathFor(scenarioName: string): string;
}

const START_TIMEOUT_MS = 10_000;

function ceilingPath(scenarioName: string): string {
  return `/ceiling/${encodeURIComponent(scenarioName)}`;
}

/** Forks bench/ceiling-server.js serving, per scenario, the same bytes Hush answered with. */
export async function startCeiling(bodies: Map<string, string>, cleanup: Cleanup): Promise<Ceiling> {
  const script = fileURLToPath(new URL('./ceiling-server.js', import.meta.url));
  const child = fork(script, [], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  const exited = watchExit(child);
  cleanup.defer(() => stopChild(child, exited));
  const stderr = tail(child.stderr);
  tail(child.stdout);

  const routes = Object.fromEntries([...bodies].map(([name, body]) => [ceilingPath(name), body]));
  child.send({ routes });

  let timer: NodeJS.Timeout | undefined;
  const port = await Promise.race([
    new Promise<number>((resolve) => child.once('message', (message: { port: number }) => resolve(message.port))),
    exited.then((exit) => {
      throw new Error(`ceiling server ${describeExit(exit)}\n${stderr()}`);
    }),
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`ceiling server did not start within ${START_TIMEOUT_MS / 1000} s\n${stderr()}`)),
        START_TIMEOUT_MS,
      );
    }),
  ]).finally(() => clearTimeout(timer));
  if (!port) throw new Error('ceiling server reported no port');
  return { baseUrl: `http://127.0.0.1:${port}`, pid: child.pid, pathFor: ceilingPath };
}
