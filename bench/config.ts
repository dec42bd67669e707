import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export interface BenchConfig {
  durationSec: number;
  /** seconds of warm-up before a server's first measured run of a scenario (when warmupRequests is unset) */
  warmupSec: number;
  /** when set, the warm-up is this many requests instead of warmupSec seconds */
  warmupRequests: number | undefined;
  /** measured runs of each server per scenario, interleaved: Hush, ceiling, floor, Hush, ceiling, floor, … */
  repeats: number;
  connections: number;
  pipelining: number;
  /** timed runs of each one-shot request, after one warm-up run */
  oneShotRuns: number;
  /** JS file run as `node <entry> serve …` */
  hushEntry: string;
}

function positive(name: string, fallback: number, integer: boolean): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new Error(`${name} must be a positive ${integer ? 'integer' : 'number'}, got "${raw}"`);
  }
  return value;
}

export function loadConfig(): BenchConfig {
  // Relative to this compiled file (dist/bench/), so the harness works from any working directory.
  const builtEntry = fileURLToPath(new URL('../src/cli/bin.js', import.meta.url));
  // Undocumented on purpose in the CLI: lets the harness run against a stand-in server while src/ is unfinished.
  const override = process.env.BENCH_HUSH_ENTRY;
  const hushEntry = override ? path.resolve(override) : builtEntry;
  if (!existsSync(hushEntry)) {
    throw new Error(`Hush entry ${hushEntry} does not exist; run \`npm run build\` first (npm run bench does)`);
  }
  const warmupRequests = process.env.BENCH_WARMUP_REQUESTS?.trim()
    ? positive('BENCH_WARMUP_REQUESTS', 1, true)
    : undefined;
  return {
    durationSec: positive('BENCH_DURATION', 5, false),
    // The first seconds of a code path run in V8's interpreter and baseline tiers and cost up to twice the CPU of
    // later ones (issue 18); 5 s reaches the optimised tiers even for the slowest scenarios.
    warmupSec: positive('BENCH_WARMUP', 5, false),
    warmupRequests,
    // Three runs give a median that one disturbed run (another process, a WAL checkpoint) does not move.
    repeats: positive('BENCH_REPEATS', 3, true),
    connections: positive('BENCH_CONNECTIONS', 10, true),
    pipelining: 1,
    // Enough for a median that one slow run (GC, a checkpoint) does not move, while 6 bulk creates stay quick.
    oneShotRuns: 5,
    hushEntry,
  };
}
