// Starts the floor server (bench/floor/server.ts) in a child process of its own, like the ceiling.
import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeExit, stopChild, tail, watchExit } from '../child.js';
import type { Cleanup } from '../cleanup.js';
import type { FloorScenario, FloorStart, RsaLoopAnswer, RsaLoopRequest, VerifyAnswer, VerifyRequest } from './types.js';

export { floors } from './specs.js';

export interface Floor {
  baseUrl: string;
  pid: number | undefined;
  pathFor(scenarioName: string): string;
  /** The bare RSA-OAEP decryption loop of a session-key scenario, run in the floor's process while it is idle. */
  rsaLoop(scenarioName: string, seconds: number): Promise<RsaLoopAnswer['rsa']>;
  /** Walks the floor's audit chain: every entry it wrote, relinked and rehashed. */
  verifyAudit(): Promise<VerifyAnswer['audit']>;
}

const START_TIMEOUT_MS = 30_000;

const floorPath = (scenarioName: string) => `/floor/${encodeURIComponent(scenarioName)}`;

export async function startFloor(scenarios: FloorScenario[], cleanup: Cleanup): Promise<Floor> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hush-bench-floor-'));
  cleanup.defer(() => rm(dir, { recursive: true, force: true }));
  const script = fileURLToPath(new URL('./server.js', import.meta.url));
  const child = fork(script, [], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  const exited = watchExit(child);
  cleanup.defer(() => stopChild(child, exited));
  const stderr = tail(child.stderr);
  tail(child.stdout);

  const failed = exited.then((exit) => {
    throw new Error(`floor server ${describeExit(exit)}\n${stderr()}`);
  });
  // Only a failure that happens while the parent waits is reported; later ones show as connection errors.
  failed.catch(() => undefined);
  const next = <T>(what: string, timeoutMs: number) => {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      new Promise<T>((resolve) => child.once('message', (message: T) => resolve(message))),
      failed,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`floor server: no ${what} within ${timeoutMs / 1000} s`)), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
  };

  const start: FloorStart = { databaseFile: path.join(dir, 'floor.db'), scenarios };
  child.send(start);
  const { port } = await next<{ port: number }>('port', START_TIMEOUT_MS);
  if (!port) throw new Error('floor server reported no port');
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    pid: child.pid,
    pathFor: floorPath,
    async rsaLoop(scenario, seconds) {
      const request: RsaLoopRequest = { rsaLoop: { scenario, seconds } };
      child.send(request);
      return (await next<RsaLoopAnswer>('RSA loop result', seconds * 1000 + START_TIMEOUT_MS)).rsa;
    },
    async verifyAudit() {
      const request: VerifyRequest = { verifyAudit: true };
      child.send(request);
      return (await next<VerifyAnswer>('audit verification', 120_000)).audit;
    },
  };
}
