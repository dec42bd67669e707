import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchConfig } from './config.js';
import type { Measurement } from './load.js';
import type { PreparedRequest } from './prepare.js';

export interface ScenarioResult {
  name: string;
  request: { method: string; path: string };
  responseBytes: number;
  hush: Measurement;
  ceiling: Measurement;
  /** hush req/s ÷ ceiling req/s × 100 */
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

export function scenarioResult(name: string, request: PreparedRequest, responseBytes: number, hush: Measurement, ceiling: Measurement): ScenarioResult {
  const ceilingRate = ceiling.measured.requestsPerSec;
  const ratioPercent = ceilingRate > 0 ? Math.round((hush.measured.requestsPerSec / ceilingRate) * 1000) / 10 : 0;
  return { name, request: { method: request.method, path: request.path }, responseBytes, hush, ceiling, ratioPercent };
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => n.toFixed(2);

/** A Markdown table, so a run can be pasted into the README as it is. */
export function table(results: ScenarioResult[]): string {
  const header = ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'ceiling req/s', 'ratio', 'non-2xx'];
  const rows = results.map((r) => [
    r.name,
    int(r.hush.measured.requestsPerSec),
    ms(r.hush.measured.p50Ms),
    ms(r.hush.measured.p99Ms),
    int(r.ceiling.measured.requestsPerSec),
    `${r.ratioPercent.toFixed(1)} %`,
    String(r.hush.measured.non2xx),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)));
  // Text columns left, figures right, as Markdown renders them.
  const cell = (text: string, i: number) => (i === 0 ? text.padEnd(widths[i] ?? 0) : text.padStart(widths[i] ?? 0));
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? ` ${'-'.repeat(w)} ` : ` ${'-'.repeat(w - 1)}: `)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

export function describeRun(m: Machine, config: BenchConfig): string {
  return [
    `Node ${m.node} on ${m.cpu}, ${m.cores} cores, ${m.platform} ${m.arch}, ${m.memoryGiB} GiB`,
    `autocannon: ${config.connections} connections, pipelining ${config.pipelining}, ` +
      `${config.durationSec} s per run after a ${config.warmupSec} s warm-up; Hush on SQLite in a fresh data dir`,
  ].join('\n');
}

/** bench/results/latest.json in the repository, wherever the harness is run from. */
export async function writeResults(m: Machine, config: BenchConfig, results: ScenarioResult[], problems: string[]): Promise<string> {
  const file = fileURLToPath(new URL('../../bench/results/latest.json', import.meta.url));
  await mkdir(path.dirname(file), { recursive: true });
  const document = { date: new Date().toISOString(), machine: m, settings: config, ok: problems.length === 0, problems, scenarios: results };
  await writeFile(file, `${JSON.stringify(document, null, 2)}\n`);
  return file;
}
