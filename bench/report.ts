import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchConfig } from './config.js';
import type { LoadFigures, RunFigures } from './load.js';
import type { OneShotFigures } from './oneshot.js';
import type { PreparedRequest } from './prepare.js';

/** One server's runs of one scenario: the warm-up, then the measured runs in the order they ran. */
export interface ServerRuns {
  warmup: LoadFigures;
  runs: RunFigures[];
}

/** The measured runs reduced to one figure each: medians, and the spread of req/s. */
export interface Summary {
  requestsPerSec: number;
  /** (max − min) ÷ median of the runs' req/s, in per cent */
  spreadPercent: number;
  p50Ms: number;
  p99Ms: number;
  cpuMicrosPerRequest: number | null;
  non2xx: number;
}

/** One run of the bare RSA-OAEP decryption loop (netbox-session-key). */
export interface RsaLoopRun {
  operations: number;
  seconds: number;
  cpuMicros: number;
}

export interface ScenarioResult {
  name: string;
  request: { method: string; path: string };
  /** autocannon connections for this scenario (its own count, or BENCH_CONNECTIONS) */
  connections: number;
  responseBytes: number;
  hush: ServerRuns & { summary: Summary };
  ceiling: ServerRuns & { summary: Summary };
  /** the minimal server doing the same required work (bench/floor/), for the scenarios that have one */
  floor: (ServerRuns & { summary: Summary }) | null;
  rsaLoop: { runs: RsaLoopRun[]; opsPerSec: number; spreadPercent: number; cpuMicrosPerOp: number } | null;
  /** Hush median req/s ÷ ceiling median req/s × 100 */
  ratioPercent: number;
  /** Hush median req/s ÷ floor median req/s × 100 */
  floorRatioPercent: number | null;
  /** floor CPU µs/req ÷ Hush CPU µs/req × 100: the same ratio by CPU, which a busy machine disturbs far less */
  floorCpuRatioPercent: number | null;
  /** Hush median req/s ÷ the bare RSA loop's median operations per second × 100 */
  rsaRatioPercent: number | null;
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

export const percent = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const spread = (values: number[]) => {
  const mid = median(values);
  return mid > 0 ? Math.round(((Math.max(...values) - Math.min(...values)) / mid) * 1000) / 10 : 0;
};

function summarise(server: ServerRuns): ServerRuns & { summary: Summary } {
  const rates = server.runs.map((r) => r.requestsPerSec);
  const cpu = server.runs.map((r) => r.cpuMicrosPerRequest);
  return {
    ...server,
    summary: {
      requestsPerSec: median(rates),
      spreadPercent: spread(rates),
      p50Ms: median(server.runs.map((r) => r.p50Ms)),
      p99Ms: median(server.runs.map((r) => r.p99Ms)),
      cpuMicrosPerRequest: cpu.every((c) => c !== null) ? median(cpu) : null,
      non2xx: server.runs.reduce((n, r) => n + r.non2xx, 0),
    },
  };
}

export function scenarioResult(
  name: string,
  request: PreparedRequest,
  connections: number,
  responseBytes: number,
  servers: { hush: ServerRuns; ceiling: ServerRuns; floor: ServerRuns | null; rsaLoop: RsaLoopRun[] | null },
): ScenarioResult {
  const hush = summarise(servers.hush);
  const ceiling = summarise(servers.ceiling);
  const floor = servers.floor && summarise(servers.floor);
  const rsaRuns = servers.rsaLoop;
  const rsaLoop = rsaRuns?.length
    ? {
        runs: rsaRuns,
        opsPerSec: median(rsaRuns.map((r) => r.operations / r.seconds)),
        spreadPercent: spread(rsaRuns.map((r) => r.operations / r.seconds)),
        cpuMicrosPerOp: Math.round(median(rsaRuns.map((r) => r.cpuMicros / r.operations))),
      }
    : null;
  const rate = hush.summary.requestsPerSec;
  return {
    name,
    request: { method: request.method, path: request.path },
    connections,
    responseBytes,
    hush,
    ceiling,
    floor,
    rsaLoop,
    ratioPercent: percent(rate, ceiling.summary.requestsPerSec),
    floorRatioPercent: floor ? percent(rate, floor.summary.requestsPerSec) : null,
    floorCpuRatioPercent:
      floor?.summary.cpuMicrosPerRequest && hush.summary.cpuMicrosPerRequest
        ? percent(floor.summary.cpuMicrosPerRequest, hush.summary.cpuMicrosPerRequest)
        : null,
    rsaRatioPercent: rsaLoop ? percent(rate, rsaLoop.opsPerSec) : null,
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

const micros = (n: number | null) => (n === null ? '—' : int(n));
const ratio = (n: number | null) => (n === null ? '—' : `${n.toFixed(1)} %`);

export function table(results: ScenarioResult[]): string {
  const header = [
    'scenario',
    'conns',
    'req/s',
    'spread',
    'p50 ms',
    'p99 ms',
    'CPU µs/req',
    'ceiling req/s',
    'Hush/ceiling',
    'floor req/s',
    'floor CPU µs/req',
    'Hush/floor',
    'by CPU',
    'non-2xx',
  ];
  return markdown(
    header,
    results.map((r) => {
      const h = r.hush.summary;
      const f = r.floor?.summary;
      return [
        r.name,
        String(r.connections),
        int(h.requestsPerSec),
        `${h.spreadPercent.toFixed(1)} %`,
        ms(h.p50Ms),
        ms(h.p99Ms),
        micros(h.cpuMicrosPerRequest),
        int(r.ceiling.summary.requestsPerSec),
        ratio(r.ratioPercent),
        f ? int(f.requestsPerSec) : '—',
        micros(f?.cpuMicrosPerRequest ?? null),
        ratio(r.floorRatioPercent),
        ratio(r.floorCpuRatioPercent),
        String(h.non2xx),
      ];
    }),
  );
}

const cpuTimes = (cpu: number | null, base: number) =>
  cpu === null || base <= 0 ? '—' : `${(cpu / base).toFixed(1)}×`;

/** The line under the table for a scenario measured against the bare RSA-OAEP decryption loop. */
export function rsaNote(r: ScenarioResult): string | undefined {
  if (!r.rsaLoop) return undefined;
  const floor = r.floor ? `, the floor ${ratio(percent(r.floor.summary.requestsPerSec, r.rsaLoop.opsPerSec))}` : '';
  return (
    `${r.name}: a bare RSA-OAEP-2048 decryption loop (one core, key already parsed) ran ` +
    `${int(r.rsaLoop.opsPerSec)}/s (spread ${r.rsaLoop.spreadPercent.toFixed(1)} %, ${int(r.rsaLoop.cpuMicrosPerOp)} µs ` +
    `CPU each); Hush answered ${ratio(r.rsaRatioPercent)} of that rate${floor}; ` +
    `Hush's CPU per request is ${cpuTimes(r.hush.summary.cpuMicrosPerRequest, r.rsaLoop.cpuMicrosPerOp)} ` +
    `the loop's per decryption`
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

export function describeRun(m: Machine, config: BenchConfig, logLevel: string): string {
  const warmup =
    config.warmupRequests === undefined
      ? `${config.warmupSec} s`
      : `${config.warmupRequests.toLocaleString('en-US')}-request`;
  return [
    `Node ${m.node} on ${m.cpu}, ${m.cores} cores, ${m.platform} ${m.arch}, ${m.memoryGiB} GiB`,
    `Hush on SQLite in a fresh data dir, at its default log level "${logLevel}" (every request logged, to a file)`,
    `autocannon: ${config.connections} connections unless "conns" says otherwise, pipelining ${config.pipelining}; ` +
      `per server and scenario a ${warmup} warm-up, then ${config.repeats} runs of ${config.durationSec} s taking ` +
      `turns (Hush, ceiling, floor, Hush, …)`,
    `req/s, p50, p99 and CPU: medians of the runs; spread: (max − min) ÷ median of req/s; CPU µs/req: the server ` +
      `process's user + system time (/proc/<pid>/stat) over the run ÷ its requests; by CPU: floor CPU ÷ Hush CPU`,
    `one-shot requests: ${config.oneShotRuns} timed runs each after 1 warm-up run, one request at a time`,
  ].join('\n');
}

/** bench/results/latest.json in the repository, wherever the harness is run from. */
export async function writeResults(
  m: Machine,
  config: BenchConfig,
  logLevel: string,
  results: ScenarioResult[],
  oneShots: OneShotResult[],
  problems: string[],
  floorAudit: { entries: number; ok: boolean } | null,
): Promise<string> {
  const file = fileURLToPath(new URL('../../bench/results/latest.json', import.meta.url));
  await mkdir(path.dirname(file), { recursive: true });
  const document = {
    date: new Date().toISOString(),
    machine: m,
    settings: { ...config, hushLogLevel: logLevel },
    ok: problems.length === 0,
    problems,
    scenarios: results,
    oneShots,
    floorAudit,
  };
  await writeFile(file, `${JSON.stringify(document, null, 2)}\n`);
  return file;
}
