import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDialect } from '../../helpers/dialects.js';
import { startHush, type RunningHush } from '../../helpers/server.js';
import { createApp, phaseAs, userWithGrants, type PhaseCall } from './helpers.js';

// Routing and authentication, docs/wire/phase.md §6 cases 1-16.
forEachDialect('phase routing and access', (dialect) => {
  let hush: RunningHush;
  let admin: PhaseCall;
  let app: { id: string; envs: Record<string, string> };
  let Q: string;
  before(async () => {
    hush = await startHush({ databaseUrl: dialect.databaseUrl });
    admin = phaseAs(hush, hush.token);
    app = await createApp(admin);
    Q = `?app_id=${app.id}&env=development`;
    await admin('POST', `/v1/secrets/${Q}`, { secrets: [{ key: 'K', value: 'v' }] });
  });
  after(() => hush.close());

  it('1-2 serves the same view under four prefixes, with or without the trailing slash', async () => {
    const bodies = [];
    for (const prefix of ['/v1', '/public/v1', '/service/v1', '/service/public/v1']) {
      const res = await admin('GET', `${prefix}/secrets/${Q}`);
      assert.equal(res.status, 200, prefix);
      bodies.push(JSON.stringify(res.body));
    }
    assert.equal(new Set(bodies).size, 1);
    assert.equal((await admin('GET', `/v1/secrets${Q}`)).status, 200);
  });

  it('3 answers the liveness checks anonymously', async () => {
    for (const url of ['/', '/public/']) {
      const res = await hush.request('GET', url, { token: null });
      assert.deepEqual([res.status, res.body.status], [200, 'ok'], url);
      assert.match(res.body.message, /API is alive/);
    }
    assert.deepEqual((await hush.request('GET', '/health/', { token: null })).body, {
      status: 'alive',
      version: '0.1.0',
    });
    // A client that sends its credentials everywhere (Phase's typed `Bearer User …`) still sees the API alive.
    for (const authorization of ['Bearer User pss_user:v1:not-a-token', 'Token nonsense']) {
      const root = await hush.request('GET', '/', { token: null, headers: { authorization } });
      assert.equal(root.status, 200, authorization);
    }
  });

  it("4-6 answers credential problems with 401 and Phase's messages", async () => {
    const none = await hush.request('GET', `/v1/secrets/${Q}`, { token: null });
    assert.deepEqual(
      [none.status, none.body.error, none.headers.get('www-authenticate')],
      [401, 'Authentication credentials were not provided.', 'Bearer'],
    );
    assert.equal(
      (await phaseAs(hush, hush.token, '')('GET', `/v1/secrets/${Q}`)).status,
      200,
      'plain Bearer, as the seed shows',
    );
    const badType = await hush.request('GET', `/v1/secrets/${Q}`, {
      token: null,
      headers: { authorization: `Bearer Robot ${hush.token}` },
    });
    assert.deepEqual([badType.status, badType.body.error], [401, 'Invalid token']);
    const unknown = await phaseAs(hush, 'a'.repeat(64))('GET', `/v1/secrets/${Q}`);
    assert.deepEqual([unknown.status, unknown.body.error], [401, 'Token expired or deleted']);
    const wrongKind = await phaseAs(hush, hush.token, 'ServiceAccount')('GET', `/v1/secrets/${Q}`);
    assert.deepEqual([wrongKind.status, wrongKind.body.error], [401, 'Token expired or deleted']);
  });

  it("7-10 resolves the environment from app_id and env (case-insensitive) with Phase's errors", async () => {
    const noContext = await admin('GET', '/v1/secrets/');
    assert.deepEqual(
      [noContext.status, noContext.body.error],
      [403, 'Environment context required. Supply `app_id` and `env` as query parameters.'],
    );
    assert.equal((await admin('GET', `/v1/secrets/?app_id=${app.id}`)).status, 403);
    const ghost = '11111111-2222-4333-8444-555555555555';
    assert.deepEqual((await admin('GET', `/v1/secrets/?app_id=${ghost}&env=development`)).body, {
      error: `App with ID ${ghost} not found`,
    });
    assert.deepEqual((await admin('GET', `/v1/secrets/?app_id=${app.id}&env=nope`)).body, {
      error: `Environment 'nope' not found in App ${app.id}`,
    });
    assert.equal((await admin('GET', `/v1/secrets/?app_id=not-a-uuid&env=dev`)).status, 404);
    const upper = await admin('GET', `/v1/secrets/?app_id=${app.id}&env=DEVELOPMENT`);
    assert.deepEqual(upper.body, (await admin('GET', `/v1/secrets/${Q}`)).body);
  });

  it('12 and 14 check access per environment and per action', async () => {
    const dev = app.envs.development!;
    const sa = phaseAs(
      hush,
      await userWithGrants(hush, 'dev-bot', 'service', [
        { objectType: 'phase.secret', actions: ['view', 'add'], objectId: dev },
      ]),
      'ServiceAccount',
    );
    assert.equal((await sa('GET', `/v1/secrets/${Q}`)).status, 200);
    const prod = await sa('GET', `/v1/secrets/?app_id=${app.id}&env=production`);
    assert.deepEqual([prod.status, prod.body.error], [401, 'Service account cannot access this environment']);
    const cannotUpdate = await sa('PUT', `/v1/secrets/${Q}`, { secrets: [{ id: 'x', value: 'v' }] });
    assert.deepEqual(
      [cannotUpdate.status, cannotUpdate.body.error],
      [403, "You don't have permission to update secrets in this environment."],
    );
    const person = phaseAs(
      hush,
      await userWithGrants(hush, 'reader', 'person', [
        { objectType: 'phase.secret', actions: ['view'], objectId: dev },
      ]),
    );
    const userProd = await person('GET', `/v1/secrets/?app_id=${app.id}&env=production`);
    assert.deepEqual([userProd.status, userProd.body.error], [403, 'User cannot access this environment']);
    const create = await person('POST', `/v1/secrets/${Q}`, { secrets: [{ key: 'NO', value: 'v' }] });
    assert.deepEqual(
      [create.status, create.body.error],
      [403, "You don't have permission to create secrets in this environment."],
    );
  });

  it('15-16 refuses PATCH with 403 and every method on an app without SSE', async () => {
    const patch = await admin('PATCH', `/v1/secrets/${Q}`, { secrets: [] });
    assert.deepEqual([patch.status, patch.body.error], [403, 'Unsupported HTTP method: PATCH']);
    const e2ee = await createApp(admin, 'e2ee-only', { sseEnabled: false });
    const q = `?app_id=${e2ee.id}&env=development`;
    for (const [method, body] of [
      ['GET', undefined],
      ['POST', { secrets: [{ key: 'A', value: 'b' }] }],
      ['PUT', { secrets: [{ id: 'x' }] }],
      ['DELETE', { secrets: ['x'] }],
    ] as const) {
      const res = await admin(method, `/v1/secrets/${q}`, body);
      assert.deepEqual([res.status, res.body], [400, { error: 'SSE is not enabled for this App' }], method);
    }
    assert.deepEqual((await admin('GET', `/v1/apps/${e2ee.id}/`)).body, { error: 'SSE is not enabled for this App.' });
  });

  it('parses bodies as JSON whatever the Content-Type', async () => {
    for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'application/json']) {
      const res = await admin(
        'POST',
        `/v1/secrets/${Q}`,
        JSON.stringify({ secrets: [{ key: `CT_${type.length}`, value: 'v' }] }),
        { 'content-type': type },
      );
      assert.equal(res.status, 200, type);
    }
  });

  it('a read-only token reads but cannot write', async () => {
    const ro = await hush.request('POST', '/api/users/tokens/', { body: { write_enabled: false } });
    const call = phaseAs(hush, ro.body.key);
    assert.equal((await call('GET', `/v1/secrets/${Q}`)).status, 200);
    assert.equal((await call('POST', `/v1/secrets/${Q}`, { secrets: [{ key: 'RO', value: 'v' }] })).status, 403);
  });
});
