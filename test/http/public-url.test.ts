import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { startHush, type RunningHush } from '../helpers/server.js';

/** A GET with a Host header of our choosing (fetch does not let a caller set Host). */
function getWithHost(hush: RunningHush, path: string, host: string): Promise<any> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${hush.url}${path}`,
      { headers: { host, authorization: `Token ${hush.token}` } },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve(JSON.parse(text)));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('absolute URLs without HUSH_PUBLIC_URL', () => {
  let hush: RunningHush;
  before(async () => {
    hush = await startHush();
  });
  after(() => hush.close());

  it('are built from the Host header, as documented', async () => {
    const users = await getWithHost(hush, '/api/users/users/', 'other.example:8443');
    assert.equal(users.results[0].url, 'http://other.example:8443/api/users/users/1/');
  });
});

describe('absolute URLs with HUSH_PUBLIC_URL', () => {
  let hush: RunningHush;
  const publicUrl = 'https://hush.example.com/base';
  before(async () => {
    hush = await startHush({
      env: { HUSH_PUBLIC_URL: `${publicUrl}/`, HUSH_BOOTSTRAP_PASSWORD: 'correct horse battery' },
    });
    await hush.request('POST', '/api/users/users/', { body: { username: 'second' } });
  });
  after(() => hush.close());

  it('ignore the Host header in url, next and previous, on every NetBox-style API', async () => {
    const first = await getWithHost(hush, '/api/users/users/?limit=1', 'evil.example');
    assert.equal(first.results[0].url, `${publicUrl}/api/users/users/1/`);
    assert.equal(first.next, `${publicUrl}/api/users/users/?limit=1&offset=1`);
    const second = await getWithHost(hush, '/api/users/users/?limit=1&offset=1', 'evil.example');
    assert.equal(second.previous, `${publicUrl}/api/users/users/?limit=1`);
    const root = await getWithHost(hush, '/api/plugins/secrets/', 'evil.example');
    assert.equal(root.secrets, `${publicUrl}/api/plugins/secrets/secrets/`);
    const api = await getWithHost(hush, '/api/', 'evil.example');
    assert.ok(
      Object.values(api).every((u) => String(u).startsWith(`${publicUrl}/api/`)),
      JSON.stringify(api),
    );
    const tokens = await getWithHost(hush, '/api/users/tokens/', 'evil.example');
    assert.ok(
      tokens.results.every(
        (t: { url: string; user: { url: string } }) => t.url.startsWith(publicUrl) && t.user.url.startsWith(publicUrl),
      ),
    );
  });

  it('mark session cookies Secure when the public URL is https, even over plain HTTP behind a proxy', async () => {
    const res = await fetch(`${hush.url}/api/users/login/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'correct horse battery' }),
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('set-cookie') ?? '', /;\s*Secure/i);
  });
});

describe('X-Request-ID', () => {
  let hush: RunningHush;
  before(async () => {
    hush = await startHush();
  });
  after(() => hush.close());

  /** Creates a user with the given X-Request-ID; returns the id answered and the one the audit entry holds. */
  async function createWith(requestId: string | undefined, username: string) {
    const res = await hush.request('POST', '/api/users/users/', {
      body: { username },
      headers: requestId === undefined ? {} : { 'x-request-id': requestId },
    });
    assert.equal(res.status, 201);
    const audit = await hush.request('GET', `/api/core/audit-log/?action=user.create&object_id=${res.body.id}`);
    assert.equal(audit.body.count, 1);
    return { answered: res.headers.get('x-request-id'), audited: audit.body.results[0].request_id as string };
  }

  it('is kept, answered and audited when it looks like an id', async () => {
    for (const [i, id] of [
      '0f8fad5b-d9cb-469f-a165-70867728950e',
      'Root.1-67891233:abcdef_012345',
      'x'.repeat(128),
    ].entries()) {
      assert.deepEqual(await createWith(id, `kept${i}`), { answered: id, audited: id });
    }
  });

  it('is replaced by a fresh UUID when too long or outside [A-Za-z0-9._:-]', async () => {
    for (const [i, id] of ['x'.repeat(129), 'two words', '<script>alert(1)</script>', "a'b", 'é', 'a,b'].entries()) {
      const { answered, audited } = await createWith(id, `replaced${i}`);
      assert.match(answered ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/, id);
      assert.equal(audited, answered, id);
    }
    const { answered } = await createWith(undefined, 'none');
    assert.match(answered ?? '', /^[0-9a-f-]{36}$/);
  });
});
