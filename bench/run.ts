// `npm run bench`: Hush and a bare node:http ceiling, each in its own child process, loaded by autocannon from here.
import { startCeiling } from './ceiling.js';
import { Cleanup } from './cleanup.js';
import { loadConfig } from './config.js';
import { startHush } from './hush-process.js';
import { failures, measure, type Measurement } from './load.js';
import { timeOneShot, type OneShotFigures } from './oneshot.js';
import { prepare, prepareOneShot, sampleBody, scenarioContext, type PreparedRequest } from './prepare.js';
import { describeRun, machine, oneShotResult, oneShotTable, scenarioResult, table, writeResults } from './report.js';
import type { OneShotResult, ScenarioResult } from './report.js';
import { oneShots as allOneShots, scenarios as allScenarios } from './scenarios.js';

// `npm run bench -- phase lists` runs the scenarios and one-shots whose names contain one of the words.
const filters = process.argv.slice(2);
const chosen = <T extends { name: string }>(list: T[]) =>
  filters.length ? list.filter((s) => filters.some((f) => s.name.includes(f))) : list;
const scenarios = chosen(allScenarios);
const oneShots = chosen(allOneShots);

const cleanup = new Cleanup();
const progress = (text: string) => process.stderr.write(`bench: ${text}\n`);

/** The ceiling is only a fair bound when it sends as many bytes as Hush did. */
function checkSameSize(label: string, ceilingBytes: number, hushBytes: number): void {
  if (ceilingBytes !== hushBytes) throw new Error(`ceiling ${label}: ${ceilingBytes} bytes, Hush ${hushBytes}`);
}

function problemsOf(label: string, m: Measurement): string[] {
  if (failures(m) === 0) return [];
  const { warmup, measured } = m;
  const counts: Record<string, number> = { ...warmup.statusCodes };
  for (const [code, count] of Object.entries(measured.statusCodes)) counts[code] = (counts[code] ?? 0) + count;
  const codes = JSON.stringify(counts);
  const errors = [...new Set([...warmup.errorSamples, ...measured.errorSamples])].join('; ');
  return [
    `${label}: ${warmup.non2xx + measured.non2xx} non-2xx, ${warmup.errors + measured.errors} errors ` +
      `(warm-up included; status codes ${codes}${errors ? `; ${errors}` : ''})`,
  ];
}

async function main(): Promise<number> {
  const config = loadConfig();
  const names = [...scenarios, ...oneShots].map((s) => s.name);
  if (new Set(names).size !== names.length)
    throw new Error('scenario and one-shot names must be unique (ceiling routes)');
  if (!names.length) throw new Error(`no scenario or one-shot name contains ${filters.join(', ')}`);

  progress(`starting Hush (${config.hushEntry})`);
  const hush = await startHush(config.hushEntry, cleanup);
  const ctx = scenarioContext(hush.baseUrl, hush.adminToken);

  // Every Hush body is needed before the ceiling starts: the ceiling answers each scenario with the same bytes.
  const prepared = new Map<string, PreparedRequest>();
  const bodies = new Map<string, string>();
  for (const scenario of scenarios) {
    const request = await prepare(scenario, ctx);
    prepared.set(scenario.name, request);
    bodies.set(scenario.name, await sampleBody(hush.baseUrl, request.path, request, `scenario ${scenario.name}`));
  }
  // One-shots are timed against Hush here, for the same reason: the ceiling answers each with Hush's last answer.
  const shots = new Map<string, { requests: PreparedRequest[]; hush: OneShotFigures }>();
  for (const shot of oneShots) {
    const requests = await prepareOneShot(shot, ctx, config.oneShotRuns);
    progress(`${shot.name}: Hush, ${config.oneShotRuns} runs after a warm-up`);
    const timing = await timeOneShot(hush.baseUrl, (request) => request.path, requests, `one-shot ${shot.name}`);
    shots.set(shot.name, { requests, hush: timing.figures });
    bodies.set(shot.name, timing.answer);
  }
  const ceiling = await startCeiling(bodies, cleanup);

  const results: ScenarioResult[] = [];
  const problems: string[] = [];
  for (const scenario of scenarios) {
    const request = prepared.get(scenario.name)!;
    const hushBody = bodies.get(scenario.name)!;
    const ceilingPath = ceiling.pathFor(scenario.name);
    const ceilingBody = await sampleBody(ceiling.baseUrl, ceilingPath, request, `ceiling ${scenario.name}`);
    checkSameSize(scenario.name, Buffer.byteLength(ceilingBody), Buffer.byteLength(hushBody));

    const connections = scenario.connections ?? config.connections;
    progress(`${scenario.name}: Hush ${request.method} ${request.path}, ${connections} connections`);
    const hushFigures = await measure(`${hush.baseUrl}${request.path}`, request, connections, config);
    progress(`${scenario.name}: ceiling`);
    const ceilingFigures = await measure(`${ceiling.baseUrl}${ceilingPath}`, request, connections, config);

    results.push(
      scenarioResult(scenario.name, request, connections, Buffer.byteLength(hushBody), hushFigures, ceilingFigures),
    );
    problems.push(
      ...problemsOf(`${scenario.name} (Hush)`, hushFigures),
      ...problemsOf(`${scenario.name} (ceiling)`, ceilingFigures),
    );
  }

  // The same bodies, one at a time, to the ceiling, which ignores them but must still receive them whole.
  const oneShotResults: OneShotResult[] = [];
  for (const [name, { requests, hush: hushFigures }] of shots) {
    progress(`${name}: ceiling`);
    const { figures } = await timeOneShot(ceiling.baseUrl, () => ceiling.pathFor(name), requests, `ceiling ${name}`);
    checkSameSize(name, figures.responseBytes, hushFigures.responseBytes);
    oneShotResults.push(oneShotResult(name, requests.at(-1)!, hushFigures, figures));
  }

  const m = machine();
  const oneShotText = oneShotResults.length ? `one-shot requests:\n\n${oneShotTable(oneShotResults)}\n\n` : '';
  process.stdout.write(`\n${describeRun(m, config)}\n\n${table(results)}\n\n${oneShotText}`);
  const file = await writeResults(m, config, results, oneShotResults, problems);
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
const entry =
  process.argv[2] === 'scale'
    ? () => import('./scale/main.js').then((m) => m.runScale(process.argv.slice(3), cleanup, progress))
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
