// `npm run bench`: Hush and a bare node:http ceiling, each in its own child process, loaded by autocannon from here.
import { startCeiling } from './ceiling.js';
import { Cleanup } from './cleanup.js';
import { loadConfig } from './config.js';
import { startHush } from './hush-process.js';
import { failures, measure, type Measurement } from './load.js';
import { prepare, sampleBody, scenarioContext, type PreparedRequest } from './prepare.js';
import { describeRun, machine, scenarioResult, table, writeResults, type ScenarioResult } from './report.js';
import { scenarios } from './scenarios.js';

const cleanup = new Cleanup();
const progress = (text: string) => process.stderr.write(`bench: ${text}\n`);

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
  const names = new Set(scenarios.map((s) => s.name));
  if (names.size !== scenarios.length) throw new Error('scenario names must be unique');

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
  const ceiling = await startCeiling(bodies, cleanup);

  const results: ScenarioResult[] = [];
  const problems: string[] = [];
  for (const scenario of scenarios) {
    const request = prepared.get(scenario.name)!;
    const hushBody = bodies.get(scenario.name)!;
    const ceilingPath = ceiling.pathFor(scenario.name);
    const ceilingBody = await sampleBody(ceiling.baseUrl, ceilingPath, request, `ceiling ${scenario.name}`);
    if (Buffer.byteLength(ceilingBody) !== Buffer.byteLength(hushBody)) {
      throw new Error(`ceiling ${scenario.name}: ${Buffer.byteLength(ceilingBody)} bytes, Hush ${Buffer.byteLength(hushBody)}`);
    }

    progress(`${scenario.name}: Hush ${request.method} ${request.path}`);
    const hushFigures = await measure(`${hush.baseUrl}${request.path}`, request, config);
    progress(`${scenario.name}: ceiling`);
    const ceilingFigures = await measure(`${ceiling.baseUrl}${ceilingPath}`, request, config);

    results.push(scenarioResult(scenario.name, request, Buffer.byteLength(hushBody), hushFigures, ceilingFigures));
    problems.push(...problemsOf(`${scenario.name} (Hush)`, hushFigures), ...problemsOf(`${scenario.name} (ceiling)`, ceilingFigures));
  }

  const m = machine();
  process.stdout.write(`\n${describeRun(m, config)}\n\n${table(results)}\n\n`);
  const file = await writeResults(m, config, results, problems);
  progress(`figures written to ${file}`);

  if (problems.length === 0) return 0;
  process.stderr.write(`\nbench: FAILED, every request must succeed:\n  ${problems.join('\n  ')}\n\n${hush.output()}\n`);
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

main()
  .catch((err: unknown) => {
    process.stderr.write(`\nbench: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  })
  .then(async (code) => {
    await cleanup.run();
    process.exitCode = code;
  });
