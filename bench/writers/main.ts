// `npm run bench -- writers`: change throughput with 1 and 3 Hush processes on one PostgreSQL (issue 18 item 5).
// Each writer connection creates secrets in its own Phase environment, so nothing but the audit chain makes two
// writers wait for each other; PostgreSQL's pg_stat_activity is sampled meanwhile, to see whether they do.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startThrowawayCluster } from '../../test/helpers/postgres.js';
import { describeExit, stopChild, tail, watchExit } from '../child.js';
import { cpuMicros } from '../cpu.js';
import type { Cleanup } from '../cleanup.js';

const ENTRY = path.resolve(import.meta.dirname, '../../src/cli/bin.js');

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

/** `hush serve` on the shared database and data dir (the root key file), at the default log level. */
async function startServer(databaseUrl: string, dataDir: string, token: string, cleanup: Cleanup) {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('HUSH_') && k !== 'DATABASE_URL') env[k] = v;
  const port = await freePort();
  const args = [ENTRY, 'serve', '--host', '127.0.0.1', '--port', String(port), '--data-dir', dataDir];
  const child = spawn(process.execPath, [...args, '--database-url', databaseUrl], {
    env: { ...env, HUSH_BOOTSTRAP_TOKEN: token },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = watchExit(child);
  cleanup.defer(() => stopChild(child, exited, 30_000));
  const stderr = tail(child.stderr);
  let exit: Awaited<typeof exited> | undefined;
  void exited.then((info) => (exit = info));
  const url = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 60_000; ;) {
    if (exit) throw new Error(`Hush ${describeExit(exit)} before it was ready\n${stderr()}`);
    const ok = await fetch(`${url}/readyz`)
      .then((r) => r.arrayBuffer().then(() => r.status === 200))
      .catch(() => false);
    if (ok) return { url, pid: child.pid };
    if (Date.now() > deadline) throw new Error(`Hush was not ready within 60 s\n${stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface RoundResult {
  processes: number;
  writers: number;
  writes: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** Of the sampled active Hush backends, the share waiting for a lock (and on which kind). */
  lockWaitShare: number;
  lockKinds: Record<string, number>;
  samples: number;
  /** Hush backends active in PostgreSQL per sample, on average: low means the writers wait elsewhere (Hush's CPU). */
  activeMean: number;
  /** CPU µs of all Hush processes per write (their own accounting, bench/cpu.ts). */
  cpuPerWrite: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

async function round(
  servers: { url: string; pid: number | undefined }[],
  envs: { appId: string; env: string }[],
  token: string,
  seconds: number,
  admin: pg.Pool,
  tag: string,
): Promise<Omit<RoundResult, 'processes'>> {
  const cpuOf = () => servers.reduce((sum, s) => sum + (cpuMicros(s.pid) ?? 0), 0);
  const cpuBefore = cpuOf();
  const until = Date.now() + seconds * 1000;
  const latencies: number[] = [];
  const lockKinds: Record<string, number> = {};
  let active = 0;
  let waiting = 0;
  let samples = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const { rows } = await admin.query<{ wait_event_type: string | null; wait_event: string | null; query: string }>(
        `SELECT wait_event_type, wait_event, query FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active'`,
      );
      samples++;
      for (const r of rows) {
        active++;
        if (r.wait_event_type === 'Lock') {
          waiting++;
          // What the waiting statement is (its table), so the table shows which lock they queue on.
          const table = /(?:update|from|into)\s+"?([a-z_]+)"?/i.exec(r.query)?.[1] ?? '?';
          const kind = `${r.wait_event ?? '?'} on ${table}`;
          lockKinds[kind] = (lockKinds[kind] ?? 0) + 1;
        }
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  let failures = 0;
  await Promise.all(
    envs.map(async ({ appId, env }, i) => {
      const base = servers[i % servers.length]!.url;
      for (let n = 0; Date.now() < until; n++) {
        const started = performance.now();
        const res = await fetch(`${base}/v1/secrets/?app_id=${appId}&env=${env}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ secrets: [{ key: `W_${tag}_${i}_${n}`, value: randomBytes(24).toString('hex') }] }),
        });
        await res.arrayBuffer();
        if (res.status >= 300) failures++;
        else latencies.push(performance.now() - started);
      }
    }),
  );
  const cpuSpent = cpuOf() - cpuBefore;
  sampling = false;
  await sampler;
  if (failures) throw new Error(`${failures} writes failed`);
  latencies.sort((a, b) => a - b);
  return {
    writers: envs.length,
    writes: latencies.length,
    perSecond: latencies.length / seconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    lockWaitShare: active ? waiting / active : 0,
    lockKinds,
    samples,
    activeMean: samples ? active / samples : 0,
    cpuPerWrite: latencies.length ? cpuSpent / latencies.length : 0,
  };
}

export async function runWriters(args: string[], cleanup: Cleanup, progress: (line: string) => void): Promise<number> {
  const seconds = Number(args[args.indexOf('--duration') + 1] ?? 10) || 10;
  const writers = Number(args[args.indexOf('--writers') + 1] ?? 12) || 12;
  const cluster = await startThrowawayCluster();
  cleanup.defer(async () => cluster.stop());
  const admin = new pg.Pool({ connectionString: cluster.url, max: 1 });
  await admin.query('CREATE DATABASE writers');
  await admin.end();
  const databaseUrl = cluster.url.replace(/\/postgres$/, '/writers');
  const watch = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  cleanup.defer(() => watch.end());
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'hush-writers-'));
  cleanup.defer(() => rm(dataDir, { recursive: true, force: true }));
  const token = randomBytes(20).toString('hex');

  progress('writers: starting the first process');
  const servers = [await startServer(databaseUrl, dataDir, token, cleanup)];
  const call = async (method: string, url: string, body?: unknown) => {
    const res = await fetch(`${servers[0]!.url}${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await res.json()) as { id: string };
    if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const envs: { appId: string; env: string }[] = [];
  for (let a = 0; envs.length < writers; a++) {
    const app = await call('POST', '/v1/apps/', { name: `writers-${a}` });
    for (const env of ['development', 'staging', 'production'])
      if (envs.length < writers) envs.push({ appId: app.id, env });
  }

  const results: RoundResult[] = [];
  for (const processes of [1, 3]) {
    while (servers.length < processes) servers.push(await startServer(databaseUrl, dataDir, token, cleanup));
    progress(`writers: ${processes} process(es), ${writers} writers, ${seconds} s (1 s warm-up first)`);
    await round(servers, envs, token, 1, watch, `warm${processes}`);
    results.push({ processes, ...(await round(servers, envs, token, seconds, watch, `run${processes}`)) });
  }

  const rows = results.map((r) => [
    String(r.processes),
    String(r.writers),
    r.perSecond.toFixed(0),
    r.p50.toFixed(1),
    r.p99.toFixed(1),
    r.cpuPerWrite.toFixed(0),
    r.activeMean.toFixed(1),
    `${(100 * r.lockWaitShare).toFixed(0)} %`,
    Object.entries(r.lockKinds)
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k} ${n}`)
      .join(', ') || '—',
  ]);
  const head = [
    'processes',
    'writers',
    'writes/s',
    'p50 ms',
    'p99 ms',
    'Hush CPU µs/write',
    'active in PostgreSQL',
    'of which waiting on a lock',
    'lock kinds (samples)',
  ];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(
    [
      `\nwriters: Phase secret creates, each writer in its own environment, on one PostgreSQL (throw-away cluster,` +
        ` fsync off); load average ${os.loadavg()[0]!.toFixed(1)} on ${os.availableParallelism()} cores`,
      line(head),
      line(widths.map((w) => '-'.repeat(w))),
      ...rows.map(line),
    ].join('\n'),
  );
  return 0;
}
