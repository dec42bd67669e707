// `npm run bench`: Hush, a bare node:http ceiling and a minimal floor server, each in its own child process, loaded
// by autocannon from here; see bench/README.md for the order of events and what each figure means.
import fs from 'node:fs';
import { startCeiling } from './ceiling.js';
import { Cleanup } from './cleanup.js';
import { loadConfig, type BenchConfig } from './config.js';
import { floors, startFloor, type Floor } from './floor/index.js';
import type { FloorScenario } from './floor/types.js';
import { HUSH_LOG_LEVEL, startHush } from './hush-process.js';
import { failures, measureOnce, warmUp, type LoadFigures } from './load.js';
import { timeOneShot, type OneShotFigures } from './oneshot.js';
import {
  prepare,
  prepareOneShot,
  sampleAnswer,
  scenarioContext,
  type PreparedRequest,
  type Sample,
} from './prepare.js';
import { describeRun, machine, oneShotResult, oneShotTable, rsaNote, table, writeResults } from './report.js';
import { scenarioResult, type OneShotResult, type RsaLoopRun, type ScenarioResult, type ServerRuns } from './report.js';
import { oneShots as allOneShots, scenarios as allScenarios } from './scenarios.js';

// `npm run bench -- phase lists` runs the scenarios and one-shots whose names contain one of the words.
const filters = process.argv.slice(2);
const chosen = <T extends { name: string }>(list: T[]) =>
  filters.length ? list.filter((s) => filters.some((f) => s.name.includes(f))) : list;
const scenarios = chosen(allScenarios);
const oneShots = chosen(allOneShots);

const cleanup = new Cleanup();
const progress = (text: string) => process.stderr.write(`bench: ${text}\n`);

/** The ceiling and the floor are only fair bounds when they send as many bytes as Hush did. */
function checkSameSize(label: string, otherBytes: number, hushBytes: number): void {
  if (otherBytes !== hushBytes) throw new Error(`${label}: ${otherBytes} bytes, Hush ${hushBytes}`);
}

function problemsOf(label: string, runs: LoadFigures[]): string[] {
  if (!runs.some((r) => failures(r) > 0)) return [];
  const counts: Record<string, number> = {};
  for (const run of runs)
    for (const [code, count] of Object.entries(run.statusCodes)) counts[code] = (counts[code] ?? 0) + count;
  const errors = [...new Set(runs.flatMap((r) => r.errorSamples))].join('; ');
  const non2xx = runs.reduce((n, r) => n + r.non2xx, 0);
  const errorCount = runs.reduce((n, r) => n + r.errors, 0);
  return [
    `${label}: ${non2xx} non-2xx, ${errorCount} errors ` +
      `(warm-up included; status codes ${JSON.stringify(counts)}${errors ? `; ${errors}` : ''})`,
  ];
}

interface Target {
  label: 'Hush' | 'ceiling' | 'floor';
  url: string;
  pid: number | undefined;
}

/**
 * Each server is warmed up once, then the servers take turns (Hush, ceiling, floor, Hush, …) for `repeats` measured
 * runs each, so a disturbance of the machine spreads over all of them instead of falling on one.
 */
async function runScenario(
  name: string,
  request: PreparedRequest,
  connections: number,
  targets: Target[],
  config: BenchConfig,
  rsa: (() => Promise<RsaLoopRun>) | undefined,
) {
  const runs = new Map<string, ServerRuns>();
  for (const target of targets) {
    progress(`${name}: ${target.label} warm-up`);
    runs.set(target.label, { warmup: await warmUp(target.url, request, connections, config), runs: [] });
  }
  const rsaRuns: RsaLoopRun[] = [];
  for (let i = 1; i <= config.repeats; i++) {
    for (const target of targets) {
      progress(`${name}: ${target.label} run ${i}/${config.repeats}`);
      runs.get(target.label)!.runs.push(await measureOnce(target.url, request, connections, config, target.pid));
    }
    if (rsa) {
      progress(`${name}: bare RSA-OAEP decrypt loop ${i}/${config.repeats}`);
      rsaRuns.push(await rsa());
    }
  }
  return { runs, rsaRuns };
}

async function main(): Promise<number> {
  const config = loadConfig();
  const names = [...scenarios, ...oneShots].map((s) => s.name);
  if (new Set(names).size !== names.length)
    throw new Error('scenario and one-shot names must be unique (ceiling routes)');
  if (!names.length) throw new Error(`no scenario or one-shot name contains ${filters.join(', ')}`);

  progress(`starting Hush (${config.hushEntry}, log level ${HUSH_LOG_LEVEL})`);
  const hush = await startHush(config.hushEntry, cleanup);
  const ctx = scenarioContext(hush.baseUrl, hush.adminToken);

  const prepared = new Map<string, PreparedRequest>();
  for (const scenario of scenarios) prepared.set(scenario.name, await prepare(scenario, ctx));
  // One-shots are timed against Hush here: the ceiling answers each with Hush's last answer.
  const bodies = new Map<string, string>();
  const shots = new Map<string, { requests: PreparedRequest[]; hush: OneShotFigures }>();
  for (const shot of oneShots) {
    const requests = await prepareOneShot(shot, ctx, config.oneShotRuns);
    progress(`${shot.name}: Hush, ${config.oneShotRuns} runs after a warm-up`);
    const timing = await timeOneShot(hush.baseUrl, (request) => request.path, requests, `one-shot ${shot.name}`);
    shots.set(shot.name, { requests, hush: timing.figures });
    bodies.set(shot.name, timing.answer);
  }
  // Sampled only now, after every setup and one-shot: a later setup can grow an earlier scenario's answer (a user
  // created for one scenario is in every later listing of users).
  const samples = new Map<string, Sample>();
  for (const [name, request] of prepared) {
    const sample = await sampleAnswer(hush.baseUrl, request.path, request, `scenario ${name}`);
    samples.set(name, sample);
    bodies.set(name, sample.body);
  }
  const ceiling = await startCeiling(bodies, cleanup);
  const floorSpecs: FloorScenario[] = [];
  for (const [name, request] of prepared) {
    const build = floors[name];
    if (build) floorSpecs.push(build(name, samples.get(name)!, request));
  }
  let floor: Floor | undefined;
  if (floorSpecs.length) {
    progress(`starting the floor server (${floorSpecs.map((s) => s.name).join(', ')})`);
    floor = await startFloor(floorSpecs, cleanup);
  }

  const results: ScenarioResult[] = [];
  const problems: string[] = [];
  for (const scenario of scenarios) {
    const request = prepared.get(scenario.name)!;
    const hushBytes = Buffer.byteLength(samples.get(scenario.name)!.body);
    const targets: Target[] = [{ label: 'Hush', url: `${hush.baseUrl}${request.path}`, pid: hush.pid }];
    const ceilingPath = ceiling.pathFor(scenario.name);
    const ceilingSample = await sampleAnswer(ceiling.baseUrl, ceilingPath, request, `ceiling ${scenario.name}`);
    checkSameSize(`ceiling ${scenario.name}`, Buffer.byteLength(ceilingSample.body), hushBytes);
    targets.push({ label: 'ceiling', url: `${ceiling.baseUrl}${ceilingPath}`, pid: ceiling.pid });
    const hasFloor = floor !== undefined && floorSpecs.some((s) => s.name === scenario.name);
    if (floor && hasFloor) {
      const floorPath = floor.pathFor(scenario.name);
      const floorSample = await sampleAnswer(floor.baseUrl, floorPath, request, `floor ${scenario.name}`);
      checkSameSize(`floor ${scenario.name}`, Buffer.byteLength(floorSample.body), hushBytes);
      targets.push({ label: 'floor', url: `${floor.baseUrl}${floorPath}`, pid: floor.pid });
    }
    const isSessionKey = floorSpecs.some((s) => s.name === scenario.name && s.kind === 'session-key');
    const rsa = floor && isSessionKey ? () => floor.rsaLoop(scenario.name, config.durationSec) : undefined;

    const connections = scenario.connections ?? config.connections;
    progress(`${scenario.name}: ${request.method} ${request.path}, ${connections} connections`);
    const { runs, rsaRuns } = await runScenario(scenario.name, request, connections, targets, config, rsa);
    results.push(
      scenarioResult(scenario.name, request, connections, hushBytes, {
        hush: runs.get('Hush')!,
        ceiling: runs.get('ceiling')!,
        floor: runs.get('floor') ?? null,
        rsaLoop: rsa ? rsaRuns : null,
      }),
    );
    for (const [label, server] of runs)
      problems.push(...problemsOf(`${scenario.name} (${label})`, [server.warmup, ...server.runs]));
  }

  // The same bodies, one at a time, to the ceiling, which ignores them but must still receive them whole.
  const oneShotResults: OneShotResult[] = [];
  for (const [name, { requests, hush: hushFigures }] of shots) {
    progress(`${name}: ceiling`);
    const { figures } = await timeOneShot(ceiling.baseUrl, () => ceiling.pathFor(name), requests, `ceiling ${name}`);
    checkSameSize(`ceiling ${name}`, figures.responseBytes, hushFigures.responseBytes);
    oneShotResults.push(oneShotResult(name, requests.at(-1)!, hushFigures, figures));
  }

  // The floor's answers are only a floor if it really wrote what it claims: every audit entry, chained.
  let floorAudit: Awaited<ReturnType<Floor['verifyAudit']>> | null = null;
  if (floor) {
    progress('verifying the floor audit chain');
    floorAudit = await floor.verifyAudit();
    if (!floorAudit.ok) problems.push(`floor audit chain broken at entry ${floorAudit.firstBad ?? 'head'}`);
  }

  const m = machine();
  const notes = results.map(rsaNote).filter((n) => n !== undefined);
  // Issue 18 item 6: Hush's memory after the whole mixed load (peak and now), from its own /proc status.
  const memory = hush.pid ? hushMemory(hush.pid) : undefined;
  if (memory)
    notes.push(
      `Hush memory after all scenarios: peak RSS ${memory.peak.toFixed(0)} MiB, now ${memory.now.toFixed(0)} MiB (target: under 250 MiB)`,
    );
  if (floorAudit)
    notes.push(
      `floor audit chain: ${floorAudit.entries.toLocaleString('en-US')} entries, ${floorAudit.ok ? 'verified' : 'BROKEN'}`,
    );
  const notesText = notes.length ? `${notes.join('\n')}\n\n` : '';
  const oneShotText = oneShotResults.length ? `one-shot requests:\n\n${oneShotTable(oneShotResults)}\n\n` : '';
  process.stdout.write(
    `\n${describeRun(m, config, HUSH_LOG_LEVEL)}\n\n${table(results)}\n\n${notesText}${oneShotText}`,
  );
  const file = await writeResults(m, config, HUSH_LOG_LEVEL, results, oneShotResults, problems, floorAudit);
  progress(`figures written to ${file}`);

  if (problems.length === 0) return 0;
  process.stderr.write(
    `\nbench: FAILED, every request must succeed:\n  ${problems.join('\n  ')}\n\n${hush.output()}\n`,
  );
  return 1;
}

// A terminal's Ctrl-C also reaches the children (same process group); the cleanup still waits for them and
// removes the data dir.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    progress(`${signal}: stopping`);
    void cleanup.run().finally(() => process.exit(130));
  });
}

// `npm run bench -- scale [--scale F]` is the scale run (bench/scale/main.ts), not a scenario filter.
/** VmHWM and VmRSS of a process (kB in /proc → MiB); undefined when /proc is not there. */
function hushMemory(pid: number): { peak: number; now: number } | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) / 1024;
    return { peak: field('VmHWM'), now: field('VmRSS') };
  } catch {
    return undefined;
  }
}

// `npm run bench -- writers` measures changes across processes on one PostgreSQL (bench/writers/main.ts).
const entry =
  process.argv[2] === 'scale'
    ? () => import('./scale/main.js').then((m) => m.runScale(process.argv.slice(3), cleanup, progress))
    : process.argv[2] === 'writers'
      ? () => import('./writers/main.js').then((m) => m.runWriters(process.argv.slice(3), cleanup, progress))
      : main;

void entry()
  .catch((err: unknown) => {
    process.stderr.write(`\nbench: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  })
  .then(async (code) => {
    await cleanup.run();
    process.exitCode = code;
  });
