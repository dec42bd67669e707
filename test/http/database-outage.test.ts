import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import {
  HUSH_TEST_REQUIRE_POSTGRES,
  postgresUnavailableReason,
  startThrowawayCluster,
  type Cluster,
} from '../helpers/postgres.js';
import { spawnServer, type HushProcess } from '../helpers/process.js';
import { randomToken, tempDir } from '../helpers/server.js';

/**
 * A real Hush process on a PostgreSQL cluster of its own, which the test restarts, stops and starts under concurrent
 * load: the process must live through it, answer 503 in each engine's envelope meanwhile, and recover by itself.
 */
const reason = postgresUnavailableReason({ ownCluster: true });

interface Answer {
  kind: string;
  status: number;
  body: any;
}

/** One request per engine, with the check that a 503 came in that engine's envelope and named the problem. */
const KINDS = [
  { kind: 'admin-read', method: 'GET', path: '/api/users/users/', auth: 'Token', message: (b: any) => b?.detail },
  { kind: 'admin-write', method: 'POST', path: '/api/users/users/', auth: 'Token', message: (b: any) => b?.detail },
  {
    kind: 'lists',
    method: 'GET',
    path: '/api/secrets/lists',
    auth: 'Bearer',
    message: (b: any) => (b?.error?.code === 'unavailable' ? b.error.message : undefined),
  },
  { kind: 'phase', method: 'GET', path: '/v1/apps/', auth: 'Bearer User', message: (b: any) => b?.error },
  {
    kind: 'passbolt',
    method: 'GET',
    path: '/resources.json',
    auth: 'Bearer',
    message: (b: any) => (b?.header?.status === 'error' && b.header.code === 503 ? b.header.message : undefined),
  },
] as const;

// A request during an outage fails at once or after a lost connection; during a COMMIT the outcome is unknown.
const OUTAGE_MESSAGE = /^(Database unavailable|Database connection lost while saving)/;

describe('a busy Hush process while its PostgreSQL restarts', { skip: !HUSH_TEST_REQUIRE_POSTGRES && reason }, () => {
  let cluster: Cluster;
  let hush: HushProcess;
  let dir: string;
  let exited: number | null | undefined;
  const token = randomToken();
  let counter = 0;

  async function call(k: (typeof KINDS)[number]): Promise<Answer> {
    const body = k.method === 'POST' ? JSON.stringify({ username: `load-${process.pid}-${counter++}` }) : undefined;
    const res = await fetch(hush.url + k.path, {
      method: k.method,
      headers: { authorization: `${k.auth} ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body,
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // kept as text: the assertion below shows it
    }
    return { kind: k.kind, status: res.status, body: parsed };
  }

  /** `workers` concurrent loops over every kind until `until` settles; every answer is kept. */
  async function underLoad(workers: number, until: Promise<unknown>): Promise<Answer[]> {
    const answers: Answer[] = [];
    let done = false;
    const settled = until.finally(() => (done = true));
    const loops = Array.from({ length: workers }, async (_, w) => {
      for (let i = w; !done; i++) answers.push(await call(KINDS[i % KINDS.length]!));
    });
    await settled;
    await Promise.all(loops);
    return answers;
  }

  function assertOnlySuccessOr503(answers: Answer[]) {
    for (const a of answers) {
      const k = KINDS.find((x) => x.kind === a.kind)!;
      if (a.status < 300) continue;
      assert.equal(a.status, 503, `${a.kind}: ${a.status} ${JSON.stringify(a.body)}`);
      assert.match(String(k.message(a.body)), OUTAGE_MESSAGE, `${a.kind}: ${JSON.stringify(a.body)}`);
    }
  }

  /** Waits (bounded) until /readyz says ready again: recovery takes the pool a connection attempt, not a restart. */
  async function readyAgain(): Promise<void> {
    for (let i = 0; i < 300; i++) {
      const res = await fetch(`${hush.url}/readyz`).catch(() => undefined);
      if (res?.status === 200) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail('Hush did not become ready again within 30 s of the database coming back');
  }

  before(async () => {
    cluster = await startThrowawayCluster();
    dir = tempDir();
    hush = await spawnServer(['--data-dir', dir, '--database-url', cluster.url], { HUSH_BOOTSTRAP_TOKEN: token });
    hush.child.on('exit', (code) => (exited = code));
  });
  after(async () => {
    await hush?.stop();
    cluster?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers every engine before the outage', async () => {
    for (const k of KINDS) {
      const a = await call(k);
      assert.ok(a.status < 300, `${a.kind}: ${a.status} ${JSON.stringify(a.body)}`);
    }
  });

  it('lives through pg_ctl restart under concurrent load, answering 503 in each envelope meanwhile', async (t) => {
    // The load runs on until Hush is ready again, so it covers the recovery too.
    const answers = await underLoad(12, cluster.restart().then(readyAgain));
    await new Promise((r) => setImmediate(r));
    assert.equal(exited, undefined, `the process died:\n${hush.stdout()}`);
    t.diagnostic(
      `${answers.length} requests during the restart, ${answers.filter((a) => a.status === 503).length} answered 503`,
    );
    assertOnlySuccessOr503(answers);
    for (const k of KINDS) assert.ok((await call(k)).status < 300, `${k.kind} failed after the restart`);
  });

  it('answers 503 and reports not ready while the database is down, then recovers without a restart', async () => {
    const halted = cluster.halt();
    const during = await underLoad(6, halted);
    assertOnlySuccessOr503(during);

    const down = await Promise.all(KINDS.map(call));
    for (const a of down)
      assert.equal(a.status, 503, `${a.kind} while the database is down: ${a.status} ${JSON.stringify(a.body)}`);
    assertOnlySuccessOr503(down);
    const ready = await fetch(`${hush.url}/readyz`);
    assert.equal(ready.status, 503);
    assert.deepEqual(await ready.json(), {
      status: 'unavailable',
      database: 'postgres',
      problem: 'database unavailable',
    });
    assert.equal((await fetch(`${hush.url}/healthz`)).status, 200, 'alive, though not ready');

    await cluster.resume();
    await readyAgain();
    for (const k of KINDS) {
      const a = await call(k);
      assert.ok(a.status < 300, `${a.kind} after the database came back: ${a.status} ${JSON.stringify(a.body)}`);
    }
    assert.equal(exited, undefined, `the process died:\n${hush.stdout()}`);
    assert.match(hush.stdout(), /Database unavailable/, 'the log names the problem');
  });
});
