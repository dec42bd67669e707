// Times one-shot requests (those that cannot be repeated unchanged, e.g. bulk creates): one at a time, so each
// figure is the latency of that request alone, from sending it to the last byte of the answer.
import { performance } from 'node:perf_hooks';
import { sampleBody, type PreparedRequest } from './prepare.js';

export interface OneShotFigures {
  warmupMs: number;
  /** the timed runs, in order */
  runsMs: number[];
  minMs: number;
  medianMs: number;
  maxMs: number;
  /** size of the last answer; the ceiling must answer with as many bytes */
  responseBytes: number;
}

export interface OneShotTiming {
  figures: OneShotFigures;
  /** the last answer, which the ceiling then serves for this one-shot */
  answer: string;
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

function median(sorted: number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * requests[0] is the warm-up (JIT, connection setup, first-use caches), untimed in the summary; the rest are timed.
 * Any non-2xx stops the run, as a failed request says nothing about speed. `path` is where this server takes it.
 */
export async function timeOneShot(
  baseUrl: string,
  path: (request: PreparedRequest) => string,
  requests: PreparedRequest[],
  label: string,
): Promise<OneShotTiming> {
  const times: number[] = [];
  let answer = '';
  for (const [run, request] of requests.entries()) {
    const start = performance.now();
    answer = await sampleBody(baseUrl, path(request), request, `${label} run ${run}`);
    times.push(performance.now() - start);
  }
  const [warmupMs = 0, ...runsMs] = times.map(round);
  const sorted = [...runsMs].sort((a, b) => a - b);
  const figures: OneShotFigures = {
    warmupMs,
    runsMs,
    minMs: sorted[0] ?? 0,
    medianMs: round(median(sorted)),
    maxMs: sorted.at(-1) ?? 0,
    responseBytes: Buffer.byteLength(answer),
  };
  return { figures, answer };
}
