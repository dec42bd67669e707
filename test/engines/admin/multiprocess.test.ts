import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { freshPostgresDatabase } from '../../helpers/postgres.js';
import { runHush, spawnServer, type HushProcess } from '../../helpers/process.js';
import { randomToken, tempDir } from '../../helpers/server.js';

/** Two real server processes on one PostgreSQL database, started at the same moment. */
describe('two Hush processes sharing one PostgreSQL database', () => {
  let a: HushProcess;
  let b: HushProcess;
  let dir: string;
  let databaseUrl: string | undefined;
  const token = randomToken();

  before(async (t) => {
    databaseUrl = await freshPostgresDatabase();
    if (!databaseUrl) return;
    dir = tempDir(); // shared: both read the same root key file
    [a, b] = await Promise.all([
      spawnServer(['--data-dir', dir, '--database-url', databaseUrl], { HUSH_BOOTSTRAP_TOKEN: token }),
      spawnServer(['--data-dir', dir, '--database-url', databaseUrl], { HUSH_BOOTSTRAP_TOKEN: token }),
    ]);
    void t;
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const call = async (server: HushProcess, method: string, path: string, body?: unknown, key = token) => {
    const res = await fetch(server.url + path, {
      method,
      headers: { authorization: `Token ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: res.status === 204 ? null : ((await res.json()) as any) };
  };

  it('bootstraps exactly one admin between them', async (t) => {
    if (!databaseUrl) return t.skip('PostgreSQL is not available');
    const users = await call(a, 'GET', '/api/users/users/');
    assert.equal(users.status, 200);
    assert.deepEqual(
      users.body.results.map((u: any) => u.username),
      ['admin'],
    );
    assert.equal([a.stdout(), b.stdout()].filter((o) => /created the admin/.test(o)).length, 1);
  });

  it("sees each other's writes at once", async (t) => {
    if (!databaseUrl) return t.skip('PostgreSQL is not available');
    const created = await call(a, 'POST', '/api/users/users/', { username: 'shared-user' });
    assert.equal(created.status, 201);
    assert.equal((await call(b, 'GET', `/api/users/users/${created.body.id}/`)).body.username, 'shared-user');
    const tok = await call(b, 'POST', '/api/users/tokens/', { user: created.body.id });
    assert.equal((await call(a, 'GET', '/api/users/tokens/', undefined, tok.body.key)).status, 200);
    assert.equal((await call(a, 'DELETE', `/api/users/tokens/${tok.body.id}/`)).status, 204);
    assert.equal((await call(b, 'GET', '/api/users/tokens/', undefined, tok.body.key)).status, 403);
  });

  it('keeps one unbroken audit chain under concurrent writes from both', async (t) => {
    if (!databaseUrl) return t.skip('PostgreSQL is not available');
    const writes = Array.from({ length: 30 }, (_, i) =>
      call(i % 2 ? a : b, 'POST', '/api/users/users/', { username: `burst-${i}` }),
    );
    assert.ok((await Promise.all(writes)).every((r) => r.status === 201));
    const verify = await runHush(['admin', 'audit', 'verify', '--data-dir', dir, '--database-url', databaseUrl!], {
      HUSH_LOG_LEVEL: 'silent',
    });
    assert.equal(verify.status, 0, verify.stdout + verify.stderr);
    assert.match(verify.stdout, /intact/);
  });
});
