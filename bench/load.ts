import autocannon, { type Options } from 'autocannon';
import { createHistogram } from 'node:perf_hooks';
import type { BenchConfig } from './config.js';
import { cpuMicros } from './cpu.js';
import type { PreparedRequest } from './prepare.js';

export interface LoadFigures {
  /** mean of the per-second samples */
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** wall-clock seconds of the run */
  seconds: number;
  non2xx: number;
  /** connection errors and timeouts */
  errors: number;
  statusCodes: Record<string, number>;
  /** first few distinct error messages, to say why `errors` is not zero */
  errorSamples: string[];
}

export interface RunFigures extends LoadFigures {
  /** the server process's CPU time (user + system) during the run, from its own accounting; null without /proc */
  cpuMs: number | null;
  /** cpuMs per completed request, in microseconds */
  cpuMicrosPerRequest: number | null;
}

/** How long one autocannon run goes on: a number of seconds, or a number of requests. */
export type RunLength = { seconds: number } | { requests: number };

async function once(
  url: string,
  request: PreparedRequest,
  length: RunLength,
  connections: number,
  config: BenchConfig,
) {
  const options: Options = {
    url,
    method: request.method,
    headers: request.headers,
    connections,
    pipelining: config.pipelining,
  };
  if ('seconds' in length) options.duration = length.seconds;
  else options.amount = length.requests;
  if (request.body !== undefined) options.body = request.body;
  const started = performance.now();
  const instance = autocannon(options);
  // autocannon's own latency histogram has 1 ms resolution, which reads 0 ms for most loopback requests.
  const latency = createHistogram();
  instance.on('response', (_client, _status, _bytes, responseTimeMs) => {
    latency.record(Math.max(1, Math.round(responseTimeMs * 1000)));
  });
  const errorSamples = new Set<string>();
  instance.on('reqError', (error) => {
    if (errorSamples.size < 3) errorSamples.add(error.message);
  });
  const result = await instance;
  const seconds = (performance.now() - started) / 1000;
  const statusCodes = Object.fromEntries(
    Object.entries(result.statusCodeStats).map(([code, stat]) => [code, stat.count]),
  );
  const figures: LoadFigures = {
    // A run by request count may end within a second, where autocannon has no per-second sample yet.
    requestsPerSec: 'seconds' in length ? result.requests.average : result.requests.total / seconds,
    p50Ms: latency.count ? latency.percentile(50) / 1000 : 0,
    p99Ms: latency.count ? latency.percentile(99) / 1000 : 0,
    requests: result.requests.total,
    seconds: Math.round(seconds * 1000) / 1000,
    non2xx: result.non2xx,
    errors: result.errors,
    statusCodes,
    errorSamples: [...errorSamples],
  };
  return figures;
}

/**
 * The warm-up before a server's first measured run of a scenario: JIT tiers, caches and connection setup stay out
 * of the measured figures. BENCH_WARMUP_REQUESTS requests when set, else BENCH_WARMUP seconds.
 */
export function warmUp(url: string, request: PreparedRequest, connections: number, config: BenchConfig) {
  const length: RunLength =
    config.warmupRequests === undefined ? { seconds: config.warmupSec } : { requests: config.warmupRequests };
  return once(url, request, length, connections, config);
}

/** One measured run, with the CPU time the process `pid` spent meanwhile. */
export async function measureOnce(
  url: string,
  request: PreparedRequest,
  connections: number,
  config: BenchConfig,
  pid: number | undefined,
): Promise<RunFigures> {
  const before = cpuMicros(pid);
  const figures = await once(url, request, { seconds: config.durationSec }, connections, config);
  const after = cpuMicros(pid);
  const cpu = before === undefined || after === undefined ? null : after - before;
  return {
    ...figures,
    cpuMs: cpu === null ? null : Math.round(cpu / 100) / 10,
    cpuMicrosPerRequest: cpu === null || figures.requests === 0 ? null : Math.round(cpu / figures.requests),
  };
}

export function failures(figures: LoadFigures): number {
  return figures.non2xx + figures.errors;
}
