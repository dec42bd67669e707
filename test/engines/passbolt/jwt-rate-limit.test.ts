import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startHush, type RunningHush } from '../../helpers/server.js';

/** A 429 in Passbolt's `{header, body}` envelope, with the wait in Retry-After. */
function assertLimited(res: { status: number; body: any; headers: Headers }) {
  assert.equal(res.status, 429, JSON.stringify(res.body));
  assert.equal(res.body.header.status, 'error');
  assert.equal(res.body.header.code, 429);
  assert.equal(typeof res.body.header.message, 'string');
  assert.equal(res.body.body, null);
  assert.match(res.headers.get('retry-after') ?? '', /^\d+$/);
}

describe('passbolt JWT login and refresh are rate-limited per client address', () => {
  let hush: RunningHush;
  before(async () => {
    hush = await startHush({ env: { HUSH_PROVISION_RATE_LIMIT: '2', HUSH_JWT_REFRESH_RATE_LIMIT: '3' } });
  });
  after(() => hush.close());

  it('login: HUSH_PROVISION_RATE_LIMIT attempts a minute, then 429', async () => {
    const attempt = () =>
      hush.request('POST', '/auth/jwt/login.json', { token: null, body: { user_id: randomUUID(), challenge: 'x' } });
    for (let i = 0; i < 2; i++) assert.equal((await attempt()).status, 404);
    assertLimited(await attempt());
  });

  it('refresh: its own budget, HUSH_JWT_REFRESH_RATE_LIMIT a minute, then 429', async () => {
    const attempt = () =>
      hush.request('POST', '/auth/jwt/refresh.json', {
        token: null,
        body: { user_id: randomUUID(), refresh_token: randomUUID() },
      });
    for (let i = 0; i < 3; i++) assert.equal((await attempt()).status, 400);
    assertLimited(await attempt());
  });
});
