import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDialect } from '../../helpers/dialects.js';
import { startHush, type RunningHush } from '../../helpers/server.js';
import { userWithGrants } from '../../helpers/users.js';

type Overview = { engines: { engine: string; counts: { what: string; count: number }[] }[] };
const figures = (body: Overview) =>
  Object.fromEntries(body.engines.map((e) => [e.engine, Object.fromEntries(e.counts.map((c) => [c.what, c.count]))]));

forEachDialect("the console's overview counts", (dialect) => {
  let hush: RunningHush;
  let shop: string;
  let webList: number;
  before(async () => {
    hush = await startHush({ databaseUrl: dialect.databaseUrl });
    const post = async (path: string, body: unknown) => {
      const res = await hush.request('POST', path, { body });
      assert.ok(res.status === 200 || res.status === 201, `${path}: ${JSON.stringify(res.body)}`);
      return res.body;
    };
    shop = (await post('/v1/apps/', { name: 'shop' })).id;
    await post('/v1/apps/', { name: 'e2ee', sseEnabled: false });
    await post('/v1/apps/', { name: 'two', environments: ['qa', 'live'] });
    webList = (await post('/api/secrets/lists', { name: 'web' })).id;
    await post('/api/secrets/lists', { name: 'db' });
    await post('/api/dcim/devices/', { name: 'rack-1' });
    await post('/api/dcim/devices/', { name: 'rack-2' });
    await post('/api/virtualization/virtual-machines/', { name: 'vm-1' });
  });
  after(() => hush.close());

  it('counts everything for a superuser: apps, environments of SSE apps, lists, devices, VMs', async () => {
    const res = await hush.request('GET', '/api/users/me/overview/');
    assert.equal(res.status, 200);
    assert.deepEqual(figures(res.body), {
      phase: { apps: 3, environments: 5 },
      lists: { lists: 2 },
      netbox: { secrets: 0, devices: 2, 'virtual machines': 1 },
      passbolt: { resources: 0 },
    });
  });

  it('counts only what a restricted user can see, zero (not 403) where it has no grant, and audits no read', async () => {
    const olga = await userWithGrants(hush, 'olga', [
      { types: ['phase.app'], actions: ['view'], objectId: shop },
      { types: ['lists.list'], actions: ['view'], objectId: webList },
    ]);
    const before = (await hush.request('GET', '/api/core/audit-log/?limit=1')).body.count;
    const res = await hush.request('GET', '/api/users/me/overview/', { token: olga.token });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(figures(res.body), {
      phase: { apps: 1, environments: 3 },
      lists: { lists: 1 },
      netbox: { secrets: 0, devices: 0, 'virtual machines': 0 },
      passbolt: { resources: 0 },
    });
    assert.equal((await hush.request('GET', '/api/core/audit-log/?limit=1')).body.count, before);
    // Without credentials, as every NetBox-style endpoint: 403.
    assert.equal((await hush.request('GET', '/api/users/me/overview/', { token: null })).status, 403);
  });
});
