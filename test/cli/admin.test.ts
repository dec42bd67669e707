import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { after, before, describe, it } from 'node:test';
import { runHush, spawnServer, type HushProcess } from '../helpers/process.js';
import { randomToken, tempDir } from '../helpers/server.js';

const get = (url: string, token: string) => fetch(url, { headers: { authorization: `Token ${token}` } });

describe('hush command line', () => {
  it('documents every command with examples', async () => {
    const top = await runHush(['--help']);
    assert.equal(top.status, 0);
    for (const word of ['serve', 'admin', 'Examples:', 'Exit codes']) assert.ok(top.stdout.includes(word), word);
    for (const args of [
      ['serve', '--help'],
      ['admin', '--help'],
      ['admin', 'token', 'create', '--help'],
      ['admin', 'audit', 'verify', '--help'],
      ['admin', 'rotate-root-key', '--help'],
      ['admin', 'user', 'create', '--help'],
      ['admin', 'permission', 'grant', '--help'],
    ]) {
      const r = await runHush(args);
      assert.equal(r.status, 0, args.join(' '));
      assert.match(r.stdout, /Examples?:/, args.join(' '));
    }
    const serveHelp = (await runHush(['serve', '--help'])).stdout;
    for (const env of ['HUSH_PORT', 'HUSH_DATA_DIR', 'DATABASE_URL', 'HUSH_BOOTSTRAP_TOKEN'])
      assert.ok(serveHelp.includes(env), env);
    const bad = await runHush(['admin', 'frobnicate']);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /unknown command/);
  });
});

describe('hush admin, next to a running server', () => {
  let dir: string;
  let server: HushProcess;
  const adminToken = randomToken();
  const admin = (...args: string[]) => runHush(['admin', ...args, '--data-dir', dir], { HUSH_LOG_LEVEL: 'silent' });

  before(async () => {
    dir = tempDir();
    server = await spawnServer(['--data-dir', dir], { HUSH_BOOTSTRAP_TOKEN: adminToken });
  });
  after(async () => {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('creates users and tokens the server accepts at once, and revokes them', async () => {
    const user = await runHush(
      ['admin', 'user', 'create', 'ivy', '--password-stdin', '--data-dir', dir],
      {},
      'ivy-password\n',
    );
    assert.equal(user.status, 0, user.stderr);
    const created = await admin('token', 'create', 'ivy', '--read-only', '--description', 'from the CLI');
    assert.equal(created.status, 0, created.stderr);
    const key = created.stdout.trim();
    assert.match(key, /^[0-9a-f]{40}$/);
    assert.equal((await get(`${server.url}/api/users/tokens/`, key)).status, 200);
    const post = await fetch(`${server.url}/api/users/tokens/`, {
      method: 'POST',
      headers: { authorization: `Token ${key}`, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(post.status, 403);
    const list = await admin('token', 'list', '--user', 'ivy');
    assert.match(list.stdout, /read-only/);
    assert.ok(!list.stdout.includes(key));
    const id = /^\s*(\d+)/.exec(list.stdout)![1]!;
    assert.equal((await admin('token', 'revoke', id)).status, 0);
    assert.equal((await get(`${server.url}/api/users/tokens/`, key)).status, 403);
  });

  it('names the problem on bad input', async () => {
    const unknownUser = await admin('token', 'create', 'nobody');
    assert.equal(unknownUser.status, 1);
    assert.match(unknownUser.stderr, /User "nobody" not found/);
    assert.match((await admin('token', 'create', 'ivy', '--expires', 'someday')).stderr, /--expires/);
    assert.match(
      (await admin('permission', 'grant', 'ivy', '--object-type', 'Bad Type', '--actions', 'view')).stderr,
      /--object-type/,
    );
    assert.match((await admin('token', 'revoke', 'abc')).stderr, /not a token id/);
  });

  it('grants permissions the server enforces', async () => {
    const key = (await admin('token', 'create', 'ivy')).stdout.trim();
    assert.equal((await get(`${server.url}/api/users/users/`, key)).status, 403);
    assert.equal(
      (await admin('permission', 'grant', 'ivy', '--object-type', 'users.user', '--actions', 'view')).status,
      0,
    );
    assert.equal((await get(`${server.url}/api/users/users/`, key)).status, 200);
  });

  it('rotates the root key while the server runs; both keep working', async () => {
    const before = fs.readFileSync(path.join(dir, 'root.key'), 'utf8');
    const r = await admin('rotate-root-key');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /root key rotated/);
    assert.notEqual(fs.readFileSync(path.join(dir, 'root.key'), 'utf8'), before);
    assert.equal((await get(`${server.url}/api/users/users/`, adminToken)).status, 200);
    assert.equal((await admin('rotate-data-key')).status, 0);
    assert.equal((await admin('user', 'list')).status, 0);
  });

  it('creates Phase apps and environments the server serves', async () => {
    const created = await admin('phase', 'app-create', 'cli-app', '--environments', 'dev,prod');
    assert.equal(created.status, 0, created.stderr);
    const appId = /created app ([0-9a-f-]{36})/.exec(created.stdout)![1]!;
    assert.equal((await admin('phase', 'env-create', appId, 'qa')).status, 0);
    const res = await fetch(`${server.url}/v1/environments/?app_id=${appId}`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    assert.deepEqual(
      ((await res.json()) as { data: { name: string }[] }).data.map((e) => e.name),
      ['dev', 'prod', 'qa'],
    );
    assert.match(
      (await admin('phase', 'app-create', 'bad', '--environments', 'has space')).stderr,
      /Environment name is invalid/,
    );
    assert.match(JSON.parse((await admin('phase', 'apps', '--json')).stdout)[0].name, /cli-app/);

    // A Phase-format token narrowed to the app: the running server hands its clients that app's keys only.
    await admin('phase', 'app-create', 'unrelated');
    for (const type of ['phase.app', 'phase.secret'])
      assert.equal((await admin('permission', 'grant', 'ivy', '--object-type', type, '--actions', 'view')).status, 0);
    const minted = await admin('phase', 'token-create', 'ivy', '--app', appId, '--json');
    assert.equal(minted.status, 0, minted.stderr);
    const { id, token, bearer_token } = JSON.parse(minted.stdout) as {
      id: number;
      token: string;
      bearer_token: string;
    };
    assert.match(token, /^pss_user:v1:(?:[0-9a-f]{64}:){3}[0-9a-f]{64}$/);
    const session = () =>
      fetch(`${server.url}/service/secrets/tokens/`, { headers: { authorization: `Bearer ${bearer_token}` } });
    const info = (await (await session()).json()) as {
      apps: { id: string; environment_keys: unknown[] }[];
      user_id: number;
    };
    assert.deepEqual(
      info.apps.map((a) => [a.id, a.environment_keys.length]),
      [[appId, 3]],
    );
    assert.match(
      (await admin('phase', 'token-create', 'ivy', '--env', 'not-an-id')).stderr,
      /environments\.0: no environment/,
    );
    assert.equal((await admin('token', 'revoke', String(id))).status, 0);
    assert.equal((await session()).status, 403);
  });

  it('verifies the audit chain and exits 2 when a row was edited', async () => {
    const ok = await admin('audit', 'verify');
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /audit log intact: \d+ entries/);
    const db = new Database(path.join(dir, 'hush.db'));
    db.prepare("update core_audit_log set actor_username = 'someone-else' where seq = 2").run();
    db.close();
    const broken = await admin('audit', 'verify');
    assert.equal(broken.status, 2);
    assert.match(broken.stdout, /entry 2: was modified/);
  });
});
