import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, it } from 'node:test';
import pg from 'pg';
import { forEachDialect } from '../helpers/dialects.js';
import { HUSH_BIN, spawnServer } from '../helpers/process.js';
import { tempDir } from '../helpers/server.js';

/** Runs `hush` in `cwd`, as someone typing it there would: `./data` is where it looks by default. */
function hushIn(cwd: string, args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, HUSH_LOG_LEVEL: 'silent' };
  for (const name of ['HUSH_DATA_DIR', 'HUSH_ROOT_KEY', 'HUSH_ROOT_KEY_FILE', 'DATABASE_URL', 'HUSH_DATABASE_URL'])
    delete env[name];
  const r = spawnSync(process.execPath, [HUSH_BIN, ...args], { cwd, env, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const noStackTrace = (text: string) => assert.ok(!/\n\s+at /.test(text), text);

forEachDialect('hush admin and where the instance is', (dialect) => {
  let work: string;
  let dataDir: string;
  const store = () => (dialect.databaseUrl ? ['--database-url', dialect.databaseUrl] : []);
  const tables = async () => {
    const client = new pg.Client({ connectionString: dialect.databaseUrl });
    await client.connect();
    try {
      return (await client.query("select table_name from information_schema.tables where table_schema = 'public'")).rows
        .length;
    } finally {
      await client.end();
    }
  };

  before(() => {
    work = tempDir();
    dataDir = path.join(work, 'data');
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  it('refuses every admin command where there is no instance, naming where it looked, and creates nothing', async () => {
    const looked = dialect.databaseUrl
      ? (() => {
          const u = new URL(dialect.databaseUrl);
          return `the database postgres://${u.hostname}:${u.port}${u.pathname} has no Hush tables (data directory ${dataDir})`;
        })()
      : `the data directory ${dataDir} does not exist`;
    const commands = [
      ['user', 'list'],
      ['token', 'create', 'admin'],
      ['rotate-root-key'],
      ['rotate-data-key'],
      ['audit', 'verify'],
    ];
    for (const command of commands) {
      const r = hushIn(work, ['admin', ...command, ...store()]);
      const what = command.join(' ');
      assert.equal(r.status, 1, `${what}: ${r.stderr}`);
      assert.equal(r.stdout, '', what);
      assert.ok(r.stderr.startsWith(`hush: No Hush instance here: ${looked}.`), `${what}: ${r.stderr}`);
      assert.match(r.stderr, /hush admin init/, what);
      noStackTrace(r.stderr);
    }
    assert.deepEqual(fs.readdirSync(work), []);
    if (dialect.databaseUrl) assert.equal(await tables(), 0);

    // An empty directory named explicitly is no instance either, and stays empty.
    const empty = path.join(work, 'empty');
    fs.mkdirSync(empty);
    const r = hushIn(work, ['admin', 'user', 'list', '--data-dir', empty, ...store()]);
    assert.equal(r.status, 1);
    if (!dialect.databaseUrl)
      assert.ok(r.stderr.includes(`the data directory ${empty} has no database ${empty}/hush.db`), r.stderr);
    assert.deepEqual(fs.readdirSync(empty), []);
    fs.rmdirSync(empty);
  });

  it('creates an instance with hush admin init, once; admin commands then work and the first serve creates the admin', async () => {
    const init = hushIn(work, ['admin', 'init', ...store()]);
    assert.equal(init.status, 0, init.stderr);
    assert.match(init.stdout, /created a Hush instance/);
    const keyFile = path.join(dataDir, 'root.key');
    assert.equal(fs.statSync(keyFile).mode & 0o777, 0o600);
    if (!dialect.databaseUrl) assert.ok(fs.existsSync(path.join(dataDir, 'hush.db')));
    const key = fs.readFileSync(keyFile, 'utf8');

    const again = hushIn(work, ['admin', 'init', ...store()]);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /already exists.*nothing changed/);
    assert.equal(fs.readFileSync(keyFile, 'utf8'), key);

    const list = hushIn(work, ['admin', 'user', 'list', ...store()]);
    assert.equal(list.status, 0, list.stderr);
    const server = await spawnServer(['--data-dir', dataDir, ...store()]);
    try {
      assert.match(server.stdout(), /created the admin user "admin"/);
    } finally {
      await server.stop();
    }
  });

  it('refuses to start without the root key file of an existing instance, writes no new one, and says where it looked', () => {
    const keyFile = path.join(dataDir, 'root.key');
    const moved = path.join(work, 'root.key.saved');
    fs.renameSync(keyFile, moved);
    try {
      const listing = fs.readdirSync(dataDir).sort();
      for (const args of [
        ['serve', '--port', '0'],
        ['admin', 'user', 'list'],
        ['admin', 'rotate-root-key'],
      ]) {
        const r = hushIn(work, [...args, '--data-dir', dataDir, ...store()]);
        const what = args.join(' ');
        assert.equal(r.status, 1, `${what}: ${r.stdout}${r.stderr}`);
        assert.ok(r.stderr.includes(`The root key file ${keyFile} is missing`), `${what}: ${r.stderr}`);
        assert.match(r.stderr, /no new key was written/, what);
        assert.match(r.stderr, /HUSH_ROOT_KEY_FILE/, what);
        noStackTrace(r.stderr);
        assert.ok(!fs.existsSync(keyFile), what);
        assert.deepEqual(fs.readdirSync(dataDir).sort(), listing, what);
      }
    } finally {
      fs.renameSync(moved, keyFile);
    }
    assert.equal(hushIn(work, ['admin', 'user', 'list', '--data-dir', dataDir, ...store()]).status, 0);
  });
});
