import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDialect } from '../../helpers/dialects.js';
import { startHush, type RunningHush } from '../../helpers/server.js';
import { createApp, phaseAs, userWithGrants, type PhaseCall } from './helpers.js';

// Apps and environments, docs/wire/phase.md §3.2 and §6 cases 57-60.
forEachDialect('phase apps and environments', (dialect) => {
  let hush: RunningHush;
  let admin: PhaseCall;
  before(async () => {
    hush = await startHush({ databaseUrl: dialect.databaseUrl });
    admin = phaseAs(hush, hush.token);
  });
  after(() => hush.close());

  it('57 creates apps with the default environments or a given list, and validates', async () => {
    const res = await admin('POST', '/v1/apps/', { name: ' <b>Shop</b> ', description: 'the shop' });
    assert.equal(res.status, 201);
    assert.deepEqual(
      [res.body.name, res.body.sseEnabled, res.body.environments.map((e: any) => [e.name, e.envType, e.index])],
      [
        'Shop',
        true,
        [
          ['Development', 'dev', 0],
          ['Staging', 'staging', 1],
          ['Production', 'prod', 2],
        ],
      ],
    );
    const custom = await admin('POST', '/v1/apps/', { name: 'custom', environments: ['qa', 'live'] });
    assert.deepEqual(
      custom.body.environments.map((e: any) => [e.name, e.envType]),
      [
        ['qa', 'custom'],
        ['live', 'custom'],
      ],
    );
    for (const [body, message] of [
      [{}, /name/],
      [{ name: '   ' }, /blank/],
      [{ name: 'x'.repeat(65) }, /64/],
      [{ name: 'a', environments: 'dev' }, /must be a list/],
      [{ name: 'a', environments: [] }, /must not be empty/],
      [{ name: 'a', environments: ['dev', 'DEV'] }, /Duplicate environment name: 'DEV'/],
      [{ name: 'a', environments: ['bad name'] }, /Environment name is invalid/],
    ] as const) {
      const r = await admin('POST', '/v1/apps/', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.match(r.body.error, message);
    }
    const list = await admin('GET', '/v1/apps/');
    assert.deepEqual(
      list.body.data.map((a: any) => a.name),
      ['custom', 'Shop'],
    );
  });

  it('reads, renames and deletes an app', async () => {
    const app = await createApp(admin, 'temp');
    assert.equal((await admin('GET', `/v1/apps/${app.id}/`)).body.name, 'temp');
    assert.equal(
      (await admin('PUT', `/v1/apps/${app.id}/`, {})).body.error,
      "At least one of 'name' or 'description' must be provided.",
    );
    assert.equal((await admin('PUT', `/v1/apps/${app.id}/`, { name: 'renamed' })).body.name, 'renamed');
    assert.equal((await admin('DELETE', `/v1/apps/${app.id}/`)).status, 204);
    assert.equal((await admin('GET', `/v1/apps/${app.id}/`)).status, 404);
  });

  it('turns SSE on for an app created without it, and off again, by a user who may change the app', async () => {
    const app = await createApp(admin, 'sse-later', { sseEnabled: false });
    const q = `?app_id=${app.id}&env=development`;
    assert.equal((await admin('GET', `/v1/secrets/${q}`)).status, 400);
    // Without SSE the app takes no other change than turning it on.
    assert.equal((await admin('PUT', `/v1/apps/${app.id}/`, { name: 'renamed' })).status, 403);
    assert.deepEqual((await admin('PUT', `/v1/apps/${app.id}/`, { sseEnabled: 'yes' })).body, {
      error: "'sseEnabled' must be true or false.",
    });
    const viewer = phaseAs(
      hush,
      await userWithGrants(hush, 'sse-viewer', 'person', [
        { objectType: 'phase.app', actions: ['view'], objectId: app.id },
      ]),
    );
    assert.equal((await viewer('PUT', `/v1/apps/${app.id}/`, { sseEnabled: true })).status, 403);
    const on = await admin('PUT', `/v1/apps/${app.id}/`, { sseEnabled: true });
    assert.deepEqual([on.status, on.body.sseEnabled, on.body.name], [200, true, 'sse-later']);
    assert.equal((await admin('GET', `/v1/secrets/${q}`)).status, 200);
    const off = await admin('PUT', `/v1/apps/${app.id}/`, { sseEnabled: false });
    assert.deepEqual([off.status, off.body.sseEnabled], [200, false]);
    assert.equal((await admin('GET', `/v1/secrets/${q}`)).status, 400);
    const audit = await hush.request('GET', `/api/core/audit-log/?engine=phase&action=app.update&object_id=${app.id}`);
    assert.deepEqual(
      audit.body.results.map((e: any) => e.details.sse_enabled),
      [false, true],
    );
  });

  it('58 hides apps a user may not see and refuses changes without the permission', async () => {
    const app = await createApp(admin, 'guarded');
    const viewer = phaseAs(
      hush,
      await userWithGrants(hush, 'viewer', 'person', [
        { objectType: 'phase.app', actions: ['view'], objectId: app.id },
      ]),
    );
    assert.deepEqual(
      (await viewer('GET', '/v1/apps/')).body.data.map((a: any) => a.id),
      [app.id],
    );
    assert.equal((await viewer('GET', `/v1/apps/${app.id}/`)).status, 200);
    assert.equal((await viewer('PUT', `/v1/apps/${app.id}/`, { name: 'mine' })).status, 403);
    assert.equal((await viewer('DELETE', `/v1/apps/${app.id}/`)).status, 403);
    assert.equal((await viewer('POST', '/v1/apps/', { name: 'new' })).status, 403);
    const stranger = phaseAs(hush, await userWithGrants(hush, 'stranger', 'person', []));
    assert.equal((await stranger('GET', `/v1/apps/${app.id}/`)).status, 404);
    assert.deepEqual((await stranger('GET', '/v1/apps/')).body, { data: [] });
  });

  it('59 lists, creates, renames and deletes environments', async () => {
    const app = await createApp(admin, 'envs');
    const list = await admin('GET', `/v1/environments/?app_id=${app.id}`);
    assert.deepEqual(
      list.body.data.map((e: any) => e.name),
      ['Development', 'Staging', 'Production'],
    );
    const created = await admin('POST', `/v1/environments/?app_id=${app.id}`, { name: 'qa' });
    assert.deepEqual([created.status, created.body.envType, created.body.index], [201, 'custom', 3]);
    assert.equal(
      (await admin('POST', `/v1/environments/?app_id=${app.id}`, {})).body.error,
      'Missing required field: name',
    );
    assert.equal(
      (await admin('POST', `/v1/environments/?app_id=${app.id}`, { name: 'has space' })).body.error,
      'Environment name is invalid. Only letters, numbers, hyphens and underscores are allowed (max 64 characters).',
    );
    assert.equal(
      (await admin('POST', `/v1/environments/?app_id=${app.id}`, { name: 'QA' })).body.error,
      "An environment named 'QA' already exists in this app.",
    );
    const clash = await admin('PUT', `/v1/environments/${created.body.id}/`, { name: 'staging' });
    assert.equal(clash.status, 409);
    assert.equal((await admin('PUT', `/v1/environments/${created.body.id}/`, { name: 'uat' })).body.name, 'uat');
    assert.equal((await admin('GET', `/v1/environments/${created.body.id}/`)).body.name, 'uat');
    await admin('POST', `/v1/secrets/?app_id=${app.id}&env=uat`, {
      secrets: [{ key: 'GONE', value: 'v', path: '/p' }],
    });
    assert.equal((await admin('DELETE', `/v1/environments/${created.body.id}/`)).status, 204);
    const gone = await admin('GET', `/v1/environments/${created.body.id}/`);
    assert.deepEqual([gone.status, gone.body.error], [404, 'Environment not found']);
    assert.equal((await admin('GET', '/v1/environments/')).status, 400);
  });

  it('refuses deleting an environment to a user who may change its app but not delete it', async () => {
    const app = await createApp(admin, 'keep-envs');
    const env = await admin('POST', `/v1/environments/?app_id=${app.id}`, { name: 'qa' });
    const editor = phaseAs(
      hush,
      await userWithGrants(hush, 'env-editor', 'person', [
        { objectType: 'phase.app', actions: ['view', 'change'], objectId: app.id },
      ]),
    );
    assert.equal((await editor('PUT', `/v1/environments/${env.body.id}/`, { name: 'uat' })).status, 200);
    assert.notEqual((await editor('DELETE', `/v1/environments/${env.body.id}/`)).status, 204);
    assert.equal((await admin('GET', `/v1/environments/${env.body.id}/`)).body.name, 'uat');
  });
});
