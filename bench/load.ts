import autocannon, { type Options } from 'autocannon';
import { createHistogram } from 'node:perf_hooks';
import type { BenchConfig } from './config.js';
import type { PreparedRequest } from './prepare.js';

export interface LoadFigures {
  /** mean of the per-second samples */
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  /** connection errors and timeouts */
  errors: number;
  statusCodes: Record<string, number>;
  /** first few distinct error messages, to say why `errors` is not zero */
  errorSamples: string[];
}

export interface Measurement {
  warmup: LoadFigures;
  measured: LoadFigures;
}

async function once(
  url: string,
  request: PreparedRequest,
  durationSec: number,
  connections: number,
  config: BenchConfig,
): Promise<LoadFigures> {
  const options: Options = {
    url,
    method: request.method,
    headers: request.headers,
    connections,
    pipelining: config.pipelining,
    duration: durationSec,
  };
  if (request.body !== undefined) options.body = request.body;
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
  const statusCodes = Object.fromEntries(
    Object.entries(result.statusCodeStats).map(([code, stat]) => [code, stat.count]),
  );
  return {
    requestsPerSec: result.requests.average,
    p50Ms: latency.count ? latency.percentile(50) / 1000 : 0,
    p99Ms: latency.count ? latency.percentile(99) / 1000 : 0,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    statusCodes,
    errorSamples: [...errorSamples],
  };
}

/**
 * A short warm-up first, so JIT compilation and connection setup stay out of the measured figures. `connections` is
 * the scenario's own count or BENCH_CONNECTIONS, the same for Hush and the ceiling.
 */
export async function measure(
  url: string,
  request: PreparedRequest,
  connections: number,
  config: BenchConfig,
): Promise<Measurement> {
  const warmup = await once(url, request, config.warmupSec, connections, config);
  const measured = await once(url, request, config.durationSec, connections, config);
  return { warmup, measured };
}

export function failures(m: Measurement): number {
  return m.warmup.non2xx + m.warmup.errors + m.measured.non2xx + m.measured.errors;
}
