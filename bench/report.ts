import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchConfig } from './config.js';
import type { Measurement } from './load.js';
import type { OneShotFigures } from './oneshot.js';
import type { PreparedRequest } from './prepare.js';

export interface ScenarioResult {
  name: string;
  request: { method: string; path: string };
  /** autocannon connections for this scenario (its own count, or BENCH_CONNECTIONS) */
  connections: number;
  responseBytes: number;
  hush: Measurement;
  ceiling: Measurement;
  /** hush req/s ÷ ceiling req/s × 100 */
  ratioPercent: number;
}

export interface OneShotResult {
  name: string;
  /** the last timed run's request (each run has its own path or body) */
  request: { method: string; path: string };
  requestBytes: number;
  responseBytes: number;
  hush: OneShotFigures;
  ceiling: OneShotFigures;
  /** ceiling median ms ÷ Hush median ms × 100: like the load ratio, 100 % would be as fast as the ceiling */
  ratioPercent: number;
}

export interface Machine {
  node: string;
  cpu: string;
  cores: number;
  platform: string;
  arch: string;
  memoryGiB: number;
}

export function machine(): Machine {
  return {
    node: process.version,
    // Some virtualised hosts report no CPUs at all.
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    platform: `${os.type()} ${os.release()}`,
    arch: process.arch,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  };
}

const percent = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0);

export function scenarioResult(
  name: string,
  request: PreparedRequest,
  connections: number,
  responseBytes: number,
  hush: Measurement,
  ceiling: Measurement,
): ScenarioResult {
  const ratioPercent = percent(hush.measured.requestsPerSec, ceiling.measured.requestsPerSec);
  return {
    name,
    request: { method: request.method, path: request.path },
    connections,
    responseBytes,
    hush,
    ceiling,
    ratioPercent,
  };
}

export function oneShotResult(
  name: string,
  request: PreparedRequest,
  hush: OneShotFigures,
  ceiling: OneShotFigures,
): OneShotResult {
  const requestBytes = Buffer.byteLength(request.body ?? '');
  const ratioPercent = percent(ceiling.medianMs, hush.medianMs);
  return {
    name,
    request: { method: request.method, path: request.path },
    requestBytes,
    responseBytes: hush.responseBytes,
    hush,
    ceiling,
    ratioPercent,
  };
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => n.toFixed(2);
const kib = (bytes: number) => (bytes / 1024).toFixed(1);

/** A Markdown table, so a run can be pasted into the README as it is. Text columns left, figures right. */
function markdown(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const cell = (text: string, i: number) => (i === 0 ? text.padEnd(widths[i] ?? 0) : text.padStart(widths[i] ?? 0));
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? ` ${'-'.repeat(w)} ` : ` ${'-'.repeat(w - 1)}: `)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

export function table(results: ScenarioResult[]): string {
  const header = ['scenario', 'conns', 'req/s', 'p50 ms', 'p99 ms', 'ceiling req/s', 'ratio', 'non-2xx'];
  return markdown(
    header,
    results.map((r) => [
      r.name,
      String(r.connections),
      int(r.hush.measured.requestsPerSec),
      ms(r.hush.measured.p50Ms),
      ms(r.hush.measured.p99Ms),
      int(r.ceiling.measured.requestsPerSec),
      `${r.ratioPercent.toFixed(1)} %`,
      String(r.hush.measured.non2xx),
    ]),
  );
}

export function oneShotTable(results: OneShotResult[]): string {
  const header = [
    'one-shot request',
    'runs',
    'min ms',
    'median ms',
    'max ms',
    'ceiling median ms',
    'ratio',
    'body KiB',
    'answer KiB',
  ];
  return markdown(
    header,
    results.map((r) => [
      r.name,
      String(r.hush.runsMs.length),
      ms(r.hush.minMs),
      ms(r.hush.medianMs),
      ms(r.hush.maxMs),
      ms(r.ceiling.medianMs),
      `${r.ratioPercent.toFixed(1)} %`,
      kib(r.requestBytes),
      kib(r.responseBytes),
    ]),
  );
}

export function describeRun(m: Machine, config: BenchConfig): string {
  return [
    `Node ${m.node} on ${m.cpu}, ${m.cores} cores, ${m.platform} ${m.arch}, ${m.memoryGiB} GiB`,
    `autocannon: ${config.connections} connections unless "conns" says otherwise, pipelining ${config.pipelining}, ` +
      `${config.durationSec} s per run after a ${config.warmupSec} s warm-up; Hush on SQLite in a fresh data dir`,
    `one-shot requests: ${config.oneShotRuns} timed runs each after 1 warm-up run, one request at a time`,
  ].join('\n');
}

/** bench/results/latest.json in the repository, wherever the harness is run from. */
export async function writeResults(
  m: Machine,
  config: BenchConfig,
  results: ScenarioResult[],
  oneShots: OneShotResult[],
  problems: string[],
): Promise<string> {
  const file = fileURLToPath(new URL('../../bench/results/latest.json', import.meta.url));
  await mkdir(path.dirname(file), { recursive: true });
  const document = {
    date: new Date().toISOString(),
    machine: m,
    settings: config,
    ok: problems.length === 0,
    problems,
    scenarios: results,
    oneShots,
  };
  await writeFile(file, `${JSON.stringify(document, null, 2)}\n`);
  return file;
}
