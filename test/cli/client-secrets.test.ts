import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { userWithGrants } from '../helpers/users.js';
import { startClientFixture, type ClientFixture } from './client-helpers.js';

const PRINT_ENV = (keys: string[]) => [
  '--',
  process.execPath,
  '-e',
  `console.log(JSON.stringify(Object.fromEntries(${JSON.stringify(keys)}.map((k) => [k, process.env[k] ?? null]))))`,
];

describe('hush secrets and hush run', () => {
  let f: ClientFixture;
  let app: { id: string; envs: Record<string, string> };
  const at = ['--app', 'shop', '--env', 'development'];
  before(async () => {
    f = await startClientFixture();
    await f.login();
    app = await f.createApp('shop');
  });
  after(() => f.close());

  it('sets several keys in one request, then lists them masked, revealed and as JSON', async () => {
    const set = await f.hush([
      'secrets',
      'set',
      'db_host=db.internal',
      'DB_PASS=s3cr3t-value',
      ...at,
      '--path',
      'backend',
      '--tags',
      'db,core',
    ]);
    assert.equal(set.status, 0, set.stderr);
    assert.equal(set.stdout, 'created DB_HOST at /backend\ncreated DB_PASS at /backend\n');
    assert.equal((await f.hush(['secrets', 'set', 'TOP=level', ...at])).status, 0);
    assert.match(
      (await f.hush(['secrets', 'set', 'TOP=level', 'DB_PASS=new-pass', ...at, '--path', '/backend'])).stdout,
      /created TOP at \/backend\nupdated DB_PASS at \/backend/,
    );

    const table = await f.hush(['secrets', 'list', ...at]);
    assert.equal(table.status, 0, table.stderr);
    assert.match(table.stdout, /DB_HOST.*••••••••.*\/backend.*core, db/);
    assert.ok(!table.stdout.includes('db.internal') && !table.stdout.includes('new-pass'));
    assert.match((await f.hush(['secrets', 'list', ...at, '--reveal', '--tags', 'db'])).stdout, /new-pass/);
    const list = JSON.parse((await f.hush(['secrets', 'list', ...at, '--json', '--path', '/backend'])).stdout) as {
      key: string;
      value: string;
      version: number;
    }[];
    assert.deepEqual(list.map((s) => [s.key, s.value, s.version]).sort(), [
      ['DB_HOST', 'db.internal', 1],
      ['DB_PASS', 'new-pass', 2],
      ['TOP', 'level', 1],
    ]);
  });

  it('gets one value for scripts, and asks for --path when a key is at several paths', async () => {
    const get = await f.hush(['secrets', 'get', 'db_pass', ...at]);
    assert.deepEqual([get.status, get.stdout], [0, 'new-pass\n']);
    const both = await f.hush(['secrets', 'get', 'TOP', ...at]);
    assert.equal(both.status, 1);
    assert.match(both.stderr, /TOP exists at several paths \(\/, \/backend\): choose one with --path/);
    assert.equal((await f.hush(['secrets', 'get', 'TOP', ...at, '--path', '/'])).stdout, 'level\n');
    const value = await f.hush(['secrets', 'set', 'FROM_STDIN=-', ...at], {}, 'line one\nline two\n');
    assert.equal(value.status, 0, value.stderr);
    assert.equal((await f.hush(['secrets', 'get', 'FROM_STDIN', ...at])).stdout, 'line one\nline two\n');
  });

  it('names unknown apps, environments and keys with the fix (exit 6), by name or id', async () => {
    const noApp = await f.hush(['secrets', 'list', '--app', 'shpo', '--env', 'development']);
    assert.equal(noApp.status, 6);
    assert.match(noApp.stderr, /no app "shpo" \(known to this token: shop\): check the name with "hush apps"/);
    const noEnv = await f.hush(['secrets', 'list', '--app', 'shop', '--env', 'dev']);
    assert.equal(noEnv.status, 6);
    assert.match(noEnv.stderr, /no environment "dev" \(known to this token: Development, Staging, Production\)/);
    assert.equal(
      (await f.hush(['secrets', 'list', '--app', app.id, '--env', app.envs.development!, '--json'])).status,
      0,
    );
    assert.equal((await f.hush(['secrets', 'list'], { HUSH_APP: 'SHOP', HUSH_ENV: 'DEVELOPMENT' })).status, 0);
    assert.match((await f.hush(['secrets', 'list', '--env', 'development'])).stderr, /which app\? Give --app NAME/);
    const missing = await f.hush(['secrets', 'delete', 'DB_HOST', 'NOPE', ...at]);
    assert.equal(missing.status, 6);
    assert.match(missing.stderr, /not found in shop\/Development: NOPE/);
    assert.equal((await f.hush(['secrets', 'get', 'DB_HOST', ...at])).status, 0, 'nothing deleted');
  });

  it("refuses what the token may not do with exit 5, and a bad value with the server's reason", async () => {
    const reader = await userWithGrants(f.api, 'reader', [
      { types: ['phase.secret'], actions: ['view'], objectId: app.envs.development },
      { types: ['phase.app'], actions: ['view'] },
    ]);
    const env = { HUSH_TOKEN: reader.token };
    assert.equal(
      (await f.hush(['secrets', 'get', 'DB_HOST', ...at, '--path', '/backend'], env)).stdout,
      'db.internal\n',
    );
    const denied = await f.hush(['secrets', 'set', 'X=1', ...at], env);
    assert.equal(denied.status, 5);
    assert.match(denied.stderr, /permission denied: You don't have permission to create secrets in this environment/);
    const tooLong = await f.hush(['secrets', 'set', `K=${'x'.repeat(70_000)}`, ...at]);
    assert.equal(tooLong.status, 1);
    assert.match(tooLong.stderr, /'value' must be at most 65536 characters/);
  });

  it('deletes keys in one request', async () => {
    const del = await f.hush(['secrets', 'delete', 'from_stdin', ...at]);
    assert.equal(del.status, 0, del.stderr);
    assert.match(del.stdout, /Deleted 1 secret/);
    assert.equal((await f.hush(['secrets', 'get', 'FROM_STDIN', ...at])).status, 6);
  });

  it('runs a command with the secrets in its environment, overrides applied, the token withheld', async () => {
    const [top] = (await f.api('GET', `/v1/secrets/?app_id=${app.id}&env=development&key=TOP&path=/`)).body as {
      id: string;
    }[];
    await f.api('PUT', `/v1/secrets/?app_id=${app.id}&env=development`, {
      secrets: [{ id: top!.id, override: { value: 'my-own', isActive: true } }],
    });
    const r = await f.hush(['run', ...at, ...PRINT_ENV(['DB_HOST', 'DB_PASS', 'TOP', 'HUSH_TOKEN', 'KEPT'])], {
      HUSH_TOKEN: f.token,
      KEPT: 'from-shell',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      DB_HOST: 'db.internal',
      DB_PASS: 'new-pass',
      TOP: 'my-own',
      HUSH_TOKEN: null,
      KEPT: 'from-shell',
    });
    assert.match(r.stderr, /TOP exists at \/ and \/backend; using \//);
    assert.ok(!r.stderr.includes('new-pass'));
    const narrowed = await f.hush(['run', ...at, '--path', '/backend', '--no-inherit', ...PRINT_ENV(['TOP', 'KEPT'])], {
      KEPT: 'x',
    });
    assert.deepEqual(JSON.parse(narrowed.stdout), { TOP: 'level', KEPT: null });
  });

  it('passes the exit code through, dies by the signal that killed the command, and names a missing command', async () => {
    assert.equal((await f.hush(['run', ...at, '--', 'sh', '-c', 'exit 7'])).status, 7);
    const killed = await f.hush(['run', ...at, '--', 'sh', '-c', 'kill -TERM $$']);
    assert.deepEqual([killed.status, killed.signal], [null, 'SIGTERM']);
    const none = await f.hush(['run', ...at, '--', 'no-such-command-here']);
    assert.equal(none.status, 127);
    assert.match(none.stderr, /no-such-command-here: command not found/);
  });

  it('forwards signals to the command and exits as it does', async () => {
    const script =
      'process.on("SIGTERM", () => { console.log("child got SIGTERM"); process.exit(42); }); process.on("SIGHUP", () => console.log("child got SIGHUP")); console.log("ready"); setInterval(() => {}, 1000);';
    const live = f.hushLive(['run', ...at, '--', process.execPath, '-e', script]);
    await live.ready('ready');
    live.child.kill('SIGHUP');
    await live.ready('child got SIGHUP');
    live.child.kill('SIGTERM');
    const r = await live.done;
    assert.equal(r.status, 42, r.stderr);
    assert.match(r.stdout, /child got SIGTERM/);
  });
});
