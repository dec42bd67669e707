// `npm run bench -- scale [--scale 0.05] [--keep]`: fills a fresh SQLite instance to issue 18's sizes (times the
// factor), restarts Hush on it and measures start-up, the listed requests, peak RSS growth per request and the
// database size. See bench/README.md "Scale".
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pageCursor } from '../../src/engines/lists/serializers.js';
import type { Cleanup } from '../cleanup.js';
import { apiOf, fillPhase, fillStore, type StoreFill } from './fill.js';
import { memoryOf, startScaleServer } from './server.js';

const FULL = { phaseSecrets: 1_000_000, listValues: 1_000_000, auditEntries: 2_000_000 };
const RUNS = 3;

interface Figure {
  request: string;
  firstMs: number;
  medianMs: number;
  bytes: number;
  /** Growth of the server's peak RSS (VmHWM) over the runs of this request, MiB. */
  peakRssGrowthMiB: number;
}

function argsOf(argv: string[]): { scale: number; keep: boolean; reuse: string | undefined; entry: string } {
  const at = argv.indexOf('--scale');
  const scale = at >= 0 ? Number(argv[at + 1]) : 1;
  if (!(scale > 0 && scale <= 1)) throw new Error(`--scale must be a number in (0, 1], got ${argv[at + 1]}`);
  const reuseAt = argv.indexOf('--reuse');
  const reuse = reuseAt >= 0 ? argv[reuseAt + 1] : undefined;
  if (reuseAt >= 0 && !reuse) throw new Error('--reuse needs the data dir a --keep run printed');
  return { scale, keep: argv.includes('--keep'), reuse, entry: process.env.BENCH_HUSH_ENTRY ?? 'dist/src/cli/bin.js' };
}

/** What a --keep run leaves beside the data, so that --reuse can measure the same database again without a fill. */
interface Filled {
  sizes: { phaseSecrets: number; listValues: number; auditEntries: number };
  token: string;
  listPath: string;
  store: StoreFill;
  fillSeconds: number;
}
const FILLED = 'scale-fill.json';

function databaseMiB(dataDir: string): number {
  return (
    ['hush.db', 'hush.db-wal', 'hush.db-shm']
      .map((f) => path.join(dataDir, f))
      .filter((f) => fs.existsSync(f))
      .reduce((sum, f) => sum + fs.statSync(f).size, 0) /
    (1024 * 1024)
  );
}

async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const probe = net.createServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const a = probe.address();
      probe.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

export async function runScale(argv: string[], cleanup: Cleanup, progress: (t: string) => void): Promise<number> {
  const { scale, keep, reuse, entry } = argsOf(argv);
  const port = await freePort();
  let filled: Filled;
  let dataDir: string;
  if (reuse) {
    dataDir = path.resolve(reuse);
    filled = JSON.parse(fs.readFileSync(path.join(dataDir, FILLED), 'utf8')) as Filled;
    progress(`measuring the data a --keep run filled in ${dataDir}`);
  } else {
    const sizes = {
      phaseSecrets: Math.round(FULL.phaseSecrets * scale),
      listValues: Math.round(FULL.listValues * scale),
      auditEntries: Math.round(FULL.auditEntries * scale),
    };
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'hush-scale-'));
    if (keep) progress(`data dir kept: ${dataDir} (measure it again with --reuse ${dataDir})`);
    else cleanup.defer(() => rm(dataDir, { recursive: true, force: true }));
    const token = randomBytes(20).toString('hex');
    const fillStarted = performance.now();
    progress(`filling ${JSON.stringify(sizes)} into ${dataDir}`);
    const filler = await startScaleServer(entry, dataDir, port, token, cleanup);
    const { listPath } = await fillPhase(apiOf(filler.baseUrl, token), sizes.phaseSecrets, progress);
    await filler.stop();
    const store = await fillStore(dataDir, sizes, progress);
    filled = { sizes, token, listPath, store, fillSeconds: (performance.now() - fillStarted) / 1000 };
    if (keep) fs.writeFileSync(path.join(dataDir, FILLED), `${JSON.stringify(filled)}\n`, { mode: 0o600 });
  }
  const { sizes, token, listPath, store, fillSeconds } = filled;

  progress('restarting Hush on the filled database');
  const server = await startScaleServer(entry, dataDir, port, token, cleanup);
  const rssAtStart = memoryOf(server.pid, 'VmRSS');
  const q = (params: Record<string, string>) => new URLSearchParams(params).toString();
  const requests: [string, string][] = [
    ['phase: 100-secret environment listing', listPath],
    ['lists: all-values, first page (1,000)', '/api/secrets/all-values'],
    [
      'lists: all-values, last page (keyset)',
      `/api/secrets/all-values?${q({ after: pageCursor(store.lastPageAfter) })}`,
    ],
    [
      'lists: all-values, last page (offset, for comparison)',
      `/api/secrets/all-values?${q({ offset: String(Math.max(0, sizes.listValues - 1000)) })}`,
    ],
    ['audit: first page, no filter', '/api/core/audit-log/'],
    ['audit: by object', `/api/core/audit-log/?${q({ object_id: store.sampleObject })}`],
    ['audit: by actor', `/api/core/audit-log/?${q({ actor: 'user1' })}`],
    ['audit: by action', `/api/core/audit-log/?${q({ action: 'secret.update' })}`],
    ['audit: time range (~20 %)', `/api/core/audit-log/?${q(store.auditWindow)}`],
  ];
  const figures: Figure[] = [];
  for (const [request, urlPath] of requests) {
    const hwmBefore = memoryOf(server.pid, 'VmHWM');
    const times: number[] = [];
    let bytes = 0;
    for (let run = 0; run < RUNS; run++) {
      const t = performance.now();
      const res = await fetch(`${server.baseUrl}${urlPath}`, { headers: { Authorization: `Bearer ${token}` } });
      const body = await res.arrayBuffer();
      times.push(performance.now() - t);
      if (res.status !== 200)
        throw new Error(`${request}: HTTP ${res.status} ${Buffer.from(body).toString().slice(0, 300)}`);
      bytes = body.byteLength;
    }
    const rest = times.slice(1).sort((a, b) => a - b);
    figures.push({
      request,
      firstMs: times[0]!,
      medianMs: rest[Math.floor(rest.length / 2)]!,
      bytes,
      peakRssGrowthMiB: memoryOf(server.pid, 'VmHWM') - hwmBefore,
    });
  }
  const result = {
    at: new Date().toISOString(),
    scale: sizes.auditEntries / FULL.auditEntries,
    sizes,
    fillSeconds,
    startupMs: server.startupMs,
    rssAtStartMiB: rssAtStart,
    rssAtEndMiB: memoryOf(server.pid, 'VmRSS'),
    databaseMiB: databaseMiB(dataDir),
    figures,
  };
  await server.stop();

  const f1 = (n: number) => n.toFixed(1);
  const lines = [
    `scale ${result.scale}: ${sizes.phaseSecrets} Phase secrets, ${sizes.listValues} list values, ${sizes.auditEntries} audit entries (+ those the fill wrote); filled in ${f1(fillSeconds)} s`,
    `start-up ${f1(result.startupMs)} ms (target < 3,000), RSS ${f1(rssAtStart)} MiB after start, ${f1(result.rssAtEndMiB)} MiB at the end; database ${f1(result.databaseMiB)} MiB`,
    '',
    '| request | first ms | median ms (runs 2-3) | KiB | peak RSS growth MiB |',
    '|---|---:|---:|---:|---:|',
    ...figures.map(
      (x) =>
        `| ${x.request} | ${f1(x.firstMs)} | ${f1(x.medianMs)} | ${f1(x.bytes / 1024)} | ${f1(x.peakRssGrowthMiB)} |`,
    ),
  ];
  process.stdout.write(`\n${lines.join('\n')}\n\n`);
  fs.mkdirSync('bench/results', { recursive: true });
  fs.writeFileSync('bench/results/scale.json', `${JSON.stringify(result, null, 2)}\n`);
  progress('figures written to bench/results/scale.json');
  return 0;
}
