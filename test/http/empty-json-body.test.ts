import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHush, type RunningHush } from '../helpers/server.js';
import { phaseAs, createApp } from '../engines/phase/helpers.js';
import { createResource, passboltUser } from '../engines/passbolt/helpers.js';

// What Passbolt's own client sends on every DELETE: a JSON content type and nothing else.
const EMPTY_JSON = { 'content-type': 'application/json' };

describe('an empty body with a JSON content type is an empty body', () => {
  let hush: RunningHush;
  before(async () => {
    hush = await startHush();
  });
  after(() => hush.close());

  it('admin: deletes a token', async () => {
    const token = await hush.request('POST', '/api/users/tokens/', { body: { user: 1 } });
    assert.equal(token.status, 201);
    const del = await hush.request('DELETE', `/api/users/tokens/${token.body.id}/`, { headers: EMPTY_JSON });
    assert.equal(del.status, 204, JSON.stringify(del.body));
  });

  it('netbox: deletes a secret role', async () => {
    const role = await hush.request('POST', '/api/plugins/secrets/secret-roles/', {
      body: { name: 'Doomed', slug: 'doomed' },
    });
    assert.equal(role.status, 201, JSON.stringify(role.body));
    const del = await hush.request('DELETE', `/api/plugins/secrets/secret-roles/${role.body.id}/`, {
      headers: EMPTY_JSON,
    });
    assert.equal(del.status, 204, JSON.stringify(del.body));
  });

  it('passbolt: deletes a resource', async () => {
    const ada = await passboltUser(hush, 'ada');
    const id = await createResource(ada, 'doomed', 'x');
    const del = await hush.request('DELETE', `/resources/${id}.json`, { token: ada.token, headers: EMPTY_JSON });
    assert.equal(del.status, 200, JSON.stringify(del.body));
    assert.equal(del.body.header.status, 'success');
  });

  it('phase: deletes an app', async () => {
    const call = phaseAs(hush, hush.token);
    const app = await createApp(call, 'doomed');
    const del = await call('DELETE', `/v1/apps/${app.id}/`, undefined, EMPTY_JSON);
    assert.ok(del.status >= 200 && del.status < 300, `${del.status} ${JSON.stringify(del.body)}`);
  });

  it('lists: deletes a list', async () => {
    const list = await hush.request('POST', '/api/secrets/lists', { body: { name: 'doomed' } });
    assert.equal(list.status, 201, JSON.stringify(list.body));
    const del = await hush.request('DELETE', '/api/secrets/lists/doomed', { headers: EMPTY_JSON });
    assert.ok(del.status >= 200 && del.status < 300, `${del.status} ${JSON.stringify(del.body)}`);
  });

  it('a route that needs a body still refuses its absence, naming the fields, in its own envelope', async () => {
    const admin = await hush.request('POST', '/api/users/users/', { headers: EMPTY_JSON });
    assert.equal(admin.status, 400);
    assert.deepEqual(admin.body, { username: ['This field is required.'] });
    const netbox = await hush.request('POST', '/api/plugins/secrets/secret-roles/', { headers: EMPTY_JSON });
    assert.equal(netbox.status, 400);
    assert.deepEqual(Object.keys(netbox.body).sort(), ['name', 'slug']);
    const gpg = await hush.request('POST', '/gpgkeys.json', { headers: EMPTY_JSON });
    assert.equal(gpg.status, 400);
    assert.equal(gpg.body.header.status, 'error');
    const phase = await phaseAs(hush, hush.token)('POST', '/v1/apps/', undefined, EMPTY_JSON);
    assert.deepEqual([phase.status, phase.body], [400, { error: 'Request body is required.' }]);
  });

  it('whitespace is no body either, and a malformed body is still refused', async () => {
    const token = await hush.request('POST', '/api/users/tokens/', { body: { user: 1 } });
    const del = await hush.request('DELETE', `/api/users/tokens/${token.body.id}/`, {
      body: '  \n',
      headers: EMPTY_JSON,
    });
    assert.equal(del.status, 204, JSON.stringify(del.body));
    const bad = await hush.request('POST', '/api/users/users/', { body: '{"username": ', headers: EMPTY_JSON });
    assert.equal(bad.status, 400);
    assert.match(bad.body.detail, /^JSON parse error/);
  });
});
