import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, it } from 'node:test';
import pg from 'pg';
import { forEachDialect } from '../helpers/dialects.js';
import { runHush, runHushAsync, spawnServer, type HushProcess } from '../helpers/process.js';
import { randomToken, tempDir } from '../helpers/server.js';

/** Key commands as real processes: racing each other, beside a running server, and after a crash. */
forEachDialect('key commands as processes', (dialect) => {
  let dir: string;
  const token = randomToken();
  const running: HushProcess[] = [];
  const store = () => ['--data-dir', dir, ...(dialect.databaseUrl ? ['--database-url', dialect.databaseUrl] : [])];
  const quiet = { HUSH_LOG_LEVEL: 'silent' };
  const admin = (...args: string[]) => runHush(['admin', ...args, ...store()], quiet);
  const adminAsync = (...args: string[]) => runHushAsync(['admin', ...args, ...store()], quiet);
  const serve = async () => {
    const server = await spawnServer(store(), { HUSH_BOOTSTRAP_TOKEN: token });
    running.push(server);
    return server;
  };
  const call = async (server: HushProcess, method: string, p: string, body?: unknown) => {
    const res = await fetch(server.url + p, {
      method,
      headers: {
        authorization: `Token ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json().catch(() => null)) as any };
  };
  const values = async (server: HushProcess) => {
    const res = await call(server, 'GET', '/api/secrets/all-values');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const all = (Array.isArray(res.body) ? res.body : (res.body.results ?? res.body.values)) as {
      secret_key: string;
      secret_value: string;
    }[];
    return Object.fromEntries(all.map((v) => [v.secret_key, v.secret_value]));
  };

  before(() => {
    dir = tempDir();
  });
  after(async () => {
    for (const server of running) await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('races rotate-data-key against rotate-root-key beside a running server: it keeps working, and a fresh one reads every value', async () => {
    let server = await serve();
    assert.equal((await call(server, 'POST', '/api/secrets/lists', { name: 'race' })).status, 201);
    const written: Record<string, string> = {};
    const write = async (key: string) => {
      written[key] = `value of ${key}`;
      const res = await call(server, 'POST', '/api/secrets/lists/race/values', {
        secret_key: key,
        secret_value: written[key],
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
    };
    await write('BEFORE');
    const rounds = 4;
    for (let round = 1; round <= rounds; round++) {
      const [data, root] = await Promise.all([adminAsync('rotate-data-key'), adminAsync('rotate-root-key')]);
      assert.equal(data.status, 0, data.stderr);
      assert.equal(root.status, 0, root.stderr);
      await write(`ROUND_${round}`);
      assert.deepEqual(await values(server), written, 'the running server reads what it and the others wrote');
    }
    assert.ok(!fs.existsSync(path.join(dir, 'root.key.next')));
    assert.deepEqual(
      fs.readdirSync(dir).filter((n) => n.endsWith('.tmp')),
      [],
    );

    await server.stop();
    server = await serve();
    assert.deepEqual(await values(server), written);
    assert.ok(!/rotation did not finish/.test(server.stdout()));
    const audit = async (action: string) =>
      (await call(server, 'GET', `/api/core/audit-log/?action=${action}`)).body.count;
    assert.equal(await audit('root_key.rotate'), rounds);
    assert.equal(await audit('data_key.create'), rounds);
    const verify = await admin('audit', 'verify');
    assert.equal(verify.status, 0, verify.stdout + verify.stderr);
  });

  // PostgreSQL queues lock waiters in order, so holding the lock lets the test choose who goes first: the interleaving
  // that orphaned a data key (the root key is replaced first, then a data key is made by a process that loaded it).
  const ordered =
    dialect.name === 'postgres'
      ? {}
      : { skip: 'SQLite wakes lock waiters in no particular order; the race above covers it' };
  it(
    'lets rotate-root-key go first and rotate-data-key second through the keyring lock: a fresh server still starts',
    ordered,
    async () => {
      for (const server of running.splice(0)) await server.stop();
      const holder = new pg.Client({ connectionString: dialect.databaseUrl });
      // Another session: inside the holder's transaction, pg_stat_activity would stay the snapshot of its first read.
      const watcher = new pg.Client({ connectionString: dialect.databaseUrl });
      await holder.connect();
      await watcher.connect();
      try {
        await holder.query('begin');
        await holder.query("update core_locks set counter = counter + 1 where name = 'keyring'");
        const exited: string[] = [];
        const watch = (name: string, run: ReturnType<typeof adminAsync>) => {
          void run.then((r) =>
            exited.push(`${name} exited with ${r.status} before the lock was released: ${r.stderr}`),
          );
          return run;
        };
        // Polls until `count` processes wait for the lock (a condition, not a duration); a process that ends instead fails the test.
        const waitingFor = async (count: number) => {
          for (;;) {
            const r = await watcher.query(
              "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like '%core_locks%'",
            );
            if (r.rows[0].n >= count) return;
            if (exited.length) assert.fail(exited.join('\n'));
            await sleep(50);
          }
        };
        const root = watch('rotate-root-key', adminAsync('rotate-root-key'));
        await waitingFor(1);
        const data = watch('rotate-data-key', adminAsync('rotate-data-key'));
        await waitingFor(2);
        await holder.query('commit');
        for (const r of await Promise.all([root, data])) assert.equal(r.status, 0, r.stderr);
      } finally {
        await holder.end();
        await watcher.end();
      }
      const server = await serve();
      assert.ok(Object.keys(await values(server)).length > 0);
    },
  );

  it('warns at start about an interrupted rotation, with the commands that finish or undo it; running one finishes it', async () => {
    for (const server of running.splice(0)) await server.stop();
    const keyFile = path.join(dir, 'root.key');
    const oldKey = fs.readFileSync(keyFile, 'utf8');
    assert.equal((await admin('rotate-root-key')).status, 0);
    // What a crash after the re-wrap, before the rename, leaves.
    fs.renameSync(keyFile, `${keyFile}.next`);
    fs.writeFileSync(keyFile, oldKey, { mode: 0o600 });

    const server = await serve();
    const warning = server
      .stdout()
      .split('\n')
      .find((l) => l.includes('rotation did not finish'));
    assert.ok(warning, server.stdout());
    const entry = JSON.parse(warning) as { level: number; msg: string };
    assert.equal(entry.level, 40);
    assert.ok(entry.msg.includes(`hush admin rotate-root-key --data-dir ${dir}`), entry.msg);
    assert.ok(entry.msg.includes('--undo'), entry.msg);
    const list = await admin('user', 'list');
    assert.equal(list.status, 0, list.stderr);
    assert.match(list.stderr, /warning: A root-key rotation did not finish/);

    const finish = await admin('rotate-root-key');
    assert.equal(finish.status, 0, finish.stderr);
    assert.match(finish.stdout, /finished a root-key rotation whose data keys were already re-wrapped/);
    assert.ok(!fs.existsSync(`${keyFile}.next`));
    assert.ok(Object.keys(await values(server)).length > 0);
    await server.stop();
    const again = await serve();
    assert.ok(!again.stdout().includes('rotation did not finish'));
    assert.ok(Object.keys(await values(again)).length > 0);
  });
});
