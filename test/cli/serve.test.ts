import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { spawnServer, type HushProcess } from '../helpers/process.js';
import { randomToken, tempDir } from '../helpers/server.js';

const get = (url: string, token?: string) => fetch(url, { headers: token ? { authorization: `Token ${token}` } : {} });

/** Every byte the SQLite database has written, WAL included. */
function databaseBytes(dir: string): Buffer {
  return Buffer.concat(
    fs
      .readdirSync(dir)
      .filter((f) => f.startsWith('hush.db'))
      .map((f) => fs.readFileSync(path.join(dir, f))),
  );
}

describe('hush serve: first start and bootstrap', () => {
  const dirs: string[] = [];
  const servers: HushProcess[] = [];
  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });
  const start = async (dir: string, env: Record<string, string> = {}) => {
    const s = await spawnServer(['--data-dir', dir], env);
    servers.push(s);
    return s;
  };

  it("`npm start` (the README's first command) runs the server", async () => {
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
    const start = (
      JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }
    ).scripts.start;
    const [program, ...args] = start.split(/\s+/);
    assert.equal(program, 'node', start);
    const dir = tempDir();
    dirs.push(dir);
    const s = await spawnServer(
      ['--data-dir', dir],
      {},
      args.map((a, i) => (i === 0 ? path.join(root, a) : a)),
    );
    servers.push(s);
    assert.equal((await get(`${s.url}/api/status/`)).status, 200);
  });

  it('prints a working admin token once, stores only its hash, and never prints it again', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const first = await start(dir);
    const token = /^ {4}([0-9a-f]{40})$/m.exec(first.stdout())?.[1];
    assert.ok(token, first.stdout());
    assert.equal((await get(`${first.url}/api/users/users/`, token)).status, 200);
    assert.equal(fs.statSync(path.join(dir, 'root.key')).mode & 0o777, 0o600);
    await first.stop();
    assert.ok(!databaseBytes(dir).includes(token));

    const second = await start(dir);
    assert.ok(!second.stdout().includes(token));
    assert.ok(!/created the admin/.test(second.stdout()));
    assert.equal((await get(`${second.url}/api/users/users/`, token)).status, 200);
    await second.stop();
  });

  it('creates no admin when the first start cannot listen; the first start that listens prints a working token', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as net.AddressInfo).port;
    try {
      // The later --port wins over the helper's --port 0.
      await assert.rejects(spawnServer(['--data-dir', dir, '--port', String(port)]), (e: Error) => {
        assert.match(e.message, /server exited with 1/);
        assert.match(
          e.message,
          new RegExp(
            `hush: cannot listen on 127\\.0\\.0\\.1:${port}: the port is already in use .*choose another with --port or HUSH_PORT\\. Nothing was served, and no admin was created yet\\.`,
          ),
        );
        assert.ok(!/^\s+at /m.test(e.message), `no stack trace: ${e.message}`);
        assert.ok(!/created the admin/.test(e.message));
        return true;
      });
    } finally {
      busy.close();
    }
    const next = await start(dir);
    const token = /^ {4}([0-9a-f]{40})$/m.exec(next.stdout())?.[1];
    assert.ok(token, next.stdout());
    assert.match(next.stdout(), /Lost it\? "hush admin token create admin" on this machine/);
    assert.equal((await get(`${next.url}/api/users/users/`, token)).status, 200);
  });

  it('uses HUSH_BOOTSTRAP_TOKEN and HUSH_BOOTSTRAP_PASSWORD on first start', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const token = randomToken();
    const s = await start(dir, { HUSH_BOOTSTRAP_TOKEN: token, HUSH_BOOTSTRAP_PASSWORD: 'bootstrap-pw' });
    assert.match(s.stdout(), /with the token from HUSH_BOOTSTRAP_TOKEN/);
    assert.ok(!s.stdout().includes(token));
    assert.equal((await get(`${s.url}/api/users/users/`, token)).status, 200);
    const provision = await fetch(`${s.url}/api/users/tokens/provision/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'bootstrap-pw' }),
    });
    assert.equal(provision.status, 201);
    await s.stop();
    assert.ok(!databaseBytes(dir).includes(token));
    assert.ok(!databaseBytes(dir).includes('bootstrap-pw'));

    // A later start with another bootstrap token changes nothing.
    const other = randomToken();
    const again = await start(dir, { HUSH_BOOTSTRAP_TOKEN: other });
    assert.equal((await get(`${again.url}/api/users/users/`, other)).status, 403);
    assert.equal((await get(`${again.url}/api/users/users/`, token)).status, 200);
    await again.stop();
  });

  it('logs requests without credentials, passwords or bodies, even at trace level', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const token = randomToken();
    const s = await start(dir, { HUSH_BOOTSTRAP_TOKEN: token, HUSH_LOG_LEVEL: 'trace' });
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${s.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Token ${token}`, 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    assert.equal(
      (
        await post(
          '/api/users/users/',
          { username: 'logged', password: 'pw-in-the-body-123' },
          { 'x-session-key': 'c2Vzc2lvbi1rZXktdmFsdWU=', cookie: 'hush_session=cookie-secret-value' },
        )
      ).status,
      201,
    );
    await post('/api/users/tokens/provision/', { username: 'logged', password: 'pw-in-the-body-123' });
    await fetch(`${s.url}/api/users/users/?username=query-filter`, { headers: { authorization: `Token ${token}` } });
    await s.stop();
    const log = s.stdout();
    assert.match(log, /"path":"\/api\/users\/users\/"/);
    for (const secret of [
      token,
      'pw-in-the-body-123',
      'c2Vzc2lvbi1rZXktdmFsdWU=',
      'cookie-secret-value',
      'query-filter',
    ]) {
      assert.ok(!log.includes(secret), `log contains ${secret}`);
    }
  });

  it('refuses a malformed HUSH_BOOTSTRAP_TOKEN with a message naming it', async () => {
    const dir = tempDir();
    dirs.push(dir);
    await assert.rejects(start(dir, { HUSH_BOOTSTRAP_TOKEN: 'not-hex' }), /HUSH_BOOTSTRAP_TOKEN/);
  });
});
