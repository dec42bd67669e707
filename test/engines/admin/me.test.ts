import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDialect } from '../../helpers/dialects.js';
import { startHush, type RunningHush } from '../../helpers/server.js';
import { userWithGrants } from '../../helpers/users.js';

forEachDialect('GET /api/users/me/', (dialect) => {
  let hush: RunningHush;
  before(async () => {
    hush = await startHush({ databaseUrl: dialect.databaseUrl });
  });
  after(() => hush.close());

  it('names the caller and the token used, never the key', async () => {
    const bot = await userWithGrants(hush, 'bot', [], {
      user: { kind: 'service' },
      token: { write_enabled: false, description: 'ci' },
    });
    const me = await hush.request('GET', '/api/users/me/', { token: bot.token });
    assert.equal(me.status, 200);
    assert.equal(me.body.user.username, 'bot');
    assert.equal(me.body.user.kind, 'service');
    assert.deepEqual(
      { ...me.body.token, id: 0 },
      { id: 0, display: `****${bot.token.slice(-4)}`, description: 'ci', expires: null, write_enabled: false },
    );
    assert.ok(!JSON.stringify(me.body).includes(bot.token));
    assert.equal((await hush.request('GET', '/api/users/me/')).body.user.is_superuser, true);
  });

  it('refuses a missing or unknown token', async () => {
    assert.equal((await hush.request('GET', '/api/users/me/', { token: null })).status, 403);
    assert.equal((await hush.request('GET', '/api/users/me/', { token: 'f'.repeat(40) })).status, 403);
  });
});
