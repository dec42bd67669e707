import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { spawnServer } from '../../helpers/process.js';
import { randomToken, tempDir } from '../../helpers/server.js';
import { P, L } from './helpers.js';

/** Every byte the SQLite database has written, WAL included. */
function databaseBytes(dir: string): Buffer {
  return Buffer.concat(
    fs
      .readdirSync(dir)
      .filter((f) => f.startsWith('hush.db'))
      .map((f) => fs.readFileSync(path.join(dir, f))),
  );
}

describe('netbox: no key material or plaintext in logs or at rest', () => {
  const dir = tempDir();
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('runs the whole flow on a real server at trace level, then searches its log and database files', async () => {
    const token = randomToken();
    const server = await spawnServer(['--data-dir', dir], { HUSH_BOOTSTRAP_TOKEN: token, HUSH_LOG_LEVEL: 'trace' });
    const call = async (method: string, p: string, body?: unknown, headers: Record<string, string> = {}) => {
      const res = await fetch(`${server.url}${p}`, {
        method,
        headers: {
          authorization: `Token ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return (res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as any;
    };
    const plaintext = 'plaintext-that-must-not-leak-4711';
    let sessionKey = '';
    let privateKey = '';
    try {
      const pair = await call('GET', `${P}/generate-rsa-key-pair/`);
      privateKey = pair.private_key;
      await call('POST', `${P}/user-keys/`, { public_key: pair.public_key });
      sessionKey = (await call('POST', `${P}/session-key/`, { private_key: privateKey })).session_key;
      const legacy = await fetch(`${server.url}${L}/get-session-key/?preserve_key=1`, {
        method: 'POST',
        headers: { authorization: `Token ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: `private_key=${encodeURIComponent(privateKey)}`,
      });
      assert.equal(((await legacy.json()) as any).session_key, sessionKey);
      const role = await call('POST', `${P}/secret-roles/`, { name: 'r', slug: 'r' });
      const device = await call('POST', '/api/dcim/devices/', { name: 'd' });
      const h = { 'x-session-key': sessionKey };
      await call(
        'POST',
        `${P}/secrets/`,
        { assigned_object_type: 'dcim.device', assigned_object_id: device.id, role: role.id, name: 's', plaintext },
        h,
      );
      assert.equal((await call('GET', `${P}/secrets/`, undefined, h)).results[0].plaintext, plaintext);
      await call('POST', `${P}/session-key/`, { private_key: 'wrong' });
    } finally {
      await server.stop();
    }
    const log = server.stdout();
    assert.match(log, /"path":"\/api\/plugins\/secrets\/secrets\/"/);
    const keyBody = privateKey.split('\n')[1]!;
    for (const secret of [token, sessionKey, plaintext, keyBody, encodeURIComponent(keyBody)])
      assert.ok(!log.includes(secret), `log contains ${secret.slice(0, 12)}…`);
    const db = databaseBytes(dir);
    for (const secret of [plaintext, sessionKey, keyBody])
      assert.equal(db.indexOf(secret), -1, `database contains ${secret.slice(0, 12)}…`);
    assert.equal(db.indexOf(Buffer.from(sessionKey, 'base64')), -1, 'database contains the raw session key');
  });
});
