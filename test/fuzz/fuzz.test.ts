import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { forEachDialect } from '../helpers/dialects.js';
import { spawnServer, type HushProcess } from '../helpers/process.js';
import { countFrom, prng, seedFrom } from '../helpers/prng.js';
import { randomToken, tempDir } from '../helpers/server.js';
import { createFixtures, type Fixtures } from './fixtures.js';
import { send } from './http.js';
import { checkExchange, checkLog, type Finding } from './oracle.js';
import { serverLogOf, summarize } from './report.js';
import { makeRequest } from './requests.js';
import { fastifyRoutes, mergeRoutes, type FuzzRoute } from './routes.js';

/**
 * A bounded fuzz run against a real `hush serve` over loopback HTTP, on SQLite and on PostgreSQL: every route of the
 * OpenAPI document and of Fastify's own table, as a superuser, a user without permissions, anonymously and with bad
 * credentials, with malformed and mistyped bodies, odd path and query values, wrong content types and odd headers.
 * HUSH_FUZZ_REQUESTS sets the SQLite run's size (PostgreSQL runs half as many), HUSH_FUZZ_SEED replays a run,
 * HUSH_FUZZ_ONLY=3,17 replays single requests of it.
 */
const SEED = seedFrom('HUSH_FUZZ_SEED');
const REQUESTS = countFrom('HUSH_FUZZ_REQUESTS', 3000);
const ONLY = (process.env.HUSH_FUZZ_ONLY ?? '').split(',').filter(Boolean).map(Number);
const CONCURRENCY = 4;
const MiB = 1024 * 1024;

async function memoryOf(server: HushProcess, token: string): Promise<{ rss: number; heap: number }> {
  const get = async () =>
    (await fetch(`${server.url}/metrics`, { headers: { authorization: `Token ${token}` } })).text();
  // fetch reuses the fixtures' keep-alive connection, which the server may close just as it is reused (seen once on a
  // loaded machine as a bare 'fetch failed'): one retry on a live server, and the cause and the server's state if not.
  const text = await get().catch(async (first: unknown) => {
    if (server.child.exitCode !== null)
      throw new Error(`the server exited (${server.child.exitCode})`, { cause: first });
    return get().catch((second: unknown) => {
      throw new Error(
        `GET /metrics failed twice, the server is ${server.child.exitCode === null ? 'running' : 'gone'}`,
        {
          cause: (second as { cause?: unknown }).cause ?? second,
        },
      );
    });
  });
  const metric = (name: string) => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1]);
  return { rss: metric('hush_process_resident_memory_bytes'), heap: metric('hush_nodejs_heap_size_used_bytes') };
}

forEachDialect('fuzz', (dialect) => {
  let dir: string;
  let server: HushProcess;
  let fx: Fixtures;
  let routes: FuzzRoute[];
  const token = randomToken();

  before(async () => {
    dir = tempDir('hush-fuzz-');
    const store = dialect.databaseUrl ? ['--database-url', dialect.databaseUrl] : [];
    server = await spawnServer(['--data-dir', path.join(dir, 'data'), ...store], {
      HUSH_BOOTSTRAP_TOKEN: token,
      HUSH_LOG_LEVEL: 'info',
    });
    const openapi = await (await fetch(`${server.url}/api/docs/openapi.json`)).json();
    routes = mergeRoutes(openapi as never, await fastifyRoutes());
    fx = await createFixtures(server.url, token);
  });
  after(async () => {
    await server?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const count = dialect.name === 'sqlite' ? REQUESTS : Math.ceil(REQUESTS / 2);
  it(`answers ${ONLY.length || count} fuzzed requests over every route: no 5xx, no internals, engine envelopes, flat memory`, async () => {
    const base = prng(SEED);
    const canary = `hunter2-fz${SEED.toString(16)}`;
    const secrets = {
      'superuser token': fx.superuserToken,
      'noperm token': fx.nopermToken,
      'session key': fx.sessionKey,
    };
    const url = new URL(server.url);
    const indices = ONLY.length ? ONLY : Array.from({ length: count }, (_, i) => i);
    const findings: Finding[] = [];
    const stats = new Map<string, number>();
    const covered = new Set<FuzzRoute>();
    let mid: { rss: number; heap: number } | undefined;
    let next = 0;
    let sampled = false;
    const started = Date.now();

    const worker = async () => {
      while (next < indices.length) {
        const i = indices[next++]!;
        const req = makeRequest(base, i, routes, fx, canary);
        const res = await send(url, req);
        if (res.status === -1) continue; // node refused to put it on the wire: not a request the server can see
        covered.add(req.route);
        const key = `${req.identity} ${res.status === 0 ? 'no answer' : `${String(res.status)[0]}xx`}`;
        stats.set(key, (stats.get(key) ?? 0) + 1);
        findings.push(...checkExchange(req, res));
        if (!sampled && next >= indices.length / 2) {
          sampled = true;
          mid = await memoryOf(server, token);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const elapsed = (Date.now() - started) / 1000;
    const end = await memoryOf(server, token);
    // Let the last log lines reach the pipe before reading it.
    await new Promise((resolve) => setTimeout(resolve, 200));
    findings.push(...checkLog(server.stdout(), canary, secrets));
    assert.equal(server.child.exitCode, null, 'the server died during the run');

    const { text, fresh } = summarize(dialect.name, SEED, findings, stats, secrets, serverLogOf(server.stdout()));
    const uncovered = routes.filter((r) => !covered.has(r));
    process.stdout.write(
      `${text}\n  ${indices.length} requests in ${elapsed.toFixed(1)} s; ${covered.size}/${routes.length} routes (${routes.filter((r) => r.source === 'fastify').length} only in Fastify's table)` +
        `; memory mid-run rss ${((mid?.rss ?? 0) / MiB) | 0} MiB heap ${((mid?.heap ?? 0) / MiB) | 0} MiB, after rss ${(end.rss / MiB) | 0} MiB heap ${(end.heap / MiB) | 0} MiB\n`,
    );
    assert.deepEqual(
      fresh.map((f) => `${f.check}: ${f.detail} (#${f.request?.index ?? '-'})`),
      [],
      `fuzz found problems (seed ${SEED}); details above`,
    );
    if (!ONLY.length) {
      if (indices.length >= routes.length)
        assert.deepEqual(
          uncovered.map((r) => `${r.method} ${r.template}`),
          [],
          'routes the run never reached',
        );
      assert.ok(mid, 'no mid-run memory sample');
      // Generous: garbage collection runs when it likes. A leak of request bodies or per-request state would be far above.
      assert.ok(
        end.rss <= mid.rss * 1.5 + 64 * MiB,
        `RSS grew from ${(mid.rss / MiB) | 0} MiB mid-run to ${(end.rss / MiB) | 0} MiB`,
      );
      assert.ok(
        end.heap <= mid.heap * 2 + 32 * MiB,
        `heap grew from ${(mid.heap / MiB) | 0} MiB mid-run to ${(end.heap / MiB) | 0} MiB`,
      );
    }
  });
});
