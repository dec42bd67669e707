import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDialect } from '../../helpers/dialects.js';
import { startHush, type RunningHush } from '../../helpers/server.js';
import { userWithGrants } from './helpers.js';

// NetBox's `device`/`device_list` and `virtual_machine`/`virtual_machine_list` beside the plugin's types (issue 16
// item 4), with the REST lists' permissions.
forEachDialect('netbox GraphQL devices and virtual machines', (dialect) => {
  let hush: RunningHush;
  let devices: Record<string, number>;
  let vms: Record<string, number>;
  const D = '/api/dcim/devices/';
  const V = '/api/virtualization/virtual-machines/';

  before(async () => {
    hush = await startHush({ databaseUrl: dialect.databaseUrl });
    const make = async (path: string, names: string[]) => {
      const res = await hush.request('POST', path, {
        body: names.map((name) => ({ name, description: `${name} box` })),
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return Object.fromEntries((res.body as { id: number; name: string }[]).map((r) => [r.name, r.id]));
    };
    devices = await make(D, ['edge-1', 'edge-2', 'core-1']);
    vms = await make(V, ['vm-a', 'vm-b']);
  });
  after(() => hush.close());

  const gql = (query: string, token: string = hush.token, variables?: unknown) =>
    hush.request('POST', '/graphql/', { token, body: { query, ...(variables ? { variables } : {}) } });
  const names = (rows: { name: string }[]) => rows.map((r) => r.name);

  it('lists and reads devices and VMs with the fields Hush holds', async () => {
    const list = await gql(
      '{ device_list { id display class_type name description created last_updated tags { name } custom_field_data } }',
    );
    assert.equal(list.status, 200);
    assert.equal(list.body.errors, undefined, JSON.stringify(list.body.errors));
    // By name, as NetBox orders devices.
    assert.deepEqual(names(list.body.data.device_list), ['core-1', 'edge-1', 'edge-2']);
    const rest = (await hush.request('GET', `${D}${devices['edge-1']}/`)).body;
    assert.deepEqual(list.body.data.device_list[1], {
      id: String(devices['edge-1']),
      display: 'edge-1',
      class_type: 'Device',
      name: 'edge-1',
      description: 'edge-1 box',
      // strawberry's isoformat: `+00:00` where DRF writes `Z`.
      created: rest.created.replace(/Z$/, '+00:00'),
      last_updated: rest.last_updated.replace(/Z$/, '+00:00'),
      tags: [],
      custom_field_data: {},
    });
    const one = await gql(`{ virtual_machine(id: ${vms['vm-b']}) { id name class_type } }`);
    assert.deepEqual(one.body.data.virtual_machine, {
      id: String(vms['vm-b']),
      name: 'vm-b',
      class_type: 'VirtualMachine',
    });
    assert.deepEqual(names((await gql('{ virtual_machine_list { name } }')).body.data.virtual_machine_list), [
      'vm-a',
      'vm-b',
    ]);
    for (const [field, id] of [
      ['device', 999999],
      ['virtual_machine', 999999],
      ['device', 'abc'],
    ] as const) {
      const missing = await gql(`{ ${field}(id: "${id}") { id } }`);
      assert.deepEqual([missing.status, missing.body.data], [200, null]);
      assert.equal(
        missing.body.errors[0].message,
        `${field === 'device' ? 'Device' : 'VirtualMachine'} matching query does not exist.`,
      );
    }
    const site = await gql('{ device_list { site { id } } }');
    assert.match(site.body.errors[0].message, /Cannot query field "site" on type "DeviceType"/);
  });

  it('filters and paginates as the secret types do', async () => {
    const q = async (query: string, variables?: unknown) => {
      const res = await gql(query, hush.token, variables);
      assert.equal(res.body.errors, undefined, JSON.stringify(res.body.errors));
      return res.body.data;
    };
    assert.deepEqual(
      names((await q('{ device_list(filters: {name: {i_starts_with: "EDGE"}}) { name } }')).device_list),
      ['edge-1', 'edge-2'],
    );
    assert.deepEqual(
      names(
        (await q(`{ device_list(filters: {id: {in_list: [${devices['core-1']}, ${devices['edge-2']}]}}) { name } }`))
          .device_list,
      ),
      ['core-1', 'edge-2'],
    );
    assert.deepEqual(
      names(
        (await q('{ virtual_machine_list(filters: {description: {i_contains: "A BOX"}}) { name } }'))
          .virtual_machine_list,
      ),
      ['vm-a'],
    );
    const paged = await q('query ($p: OffsetPaginationInput) { device_list(pagination: $p) { name } }', {
      p: { offset: 1, limit: 1 },
    });
    assert.deepEqual(names(paged.device_list), ['edge-1']);
    const started = await q(`{ device_list(pagination: {start: ${devices['edge-2']}, limit: 5}) { name } }`);
    assert.deepEqual(names(started.device_list), ['edge-2', 'core-1']);
    assert.deepEqual((await q('{ device_list(filters: {id: {in_list: []}}) { name } }')).device_list, []);
    const caseSensitive = await gql('{ device_list(filters: {name: {contains: "edge"}}) { name } }');
    assert.match(caseSensitive.body.errors[0].message, /case-sensitive\) is not supported by Hush; use i_contains/);
  });

  it('shows each caller what its REST list shows: its view permission, nothing without one', async () => {
    const one = await userWithGrants(hush, 'edge-viewer', [
      { objectTypes: ['dcim.device'], actions: ['view'], objectId: String(devices['edge-1']) },
    ]);
    const rest = (await hush.request('GET', D, { token: one.token })).body.results as { name: string }[];
    const graph = await gql('{ device_list { name } virtual_machine_list { name } }', one.token);
    assert.deepEqual(names(graph.body.data.device_list), names(rest));
    assert.deepEqual(names(graph.body.data.device_list), ['edge-1']);
    assert.equal((await hush.request('GET', V, { token: one.token })).status, 403, 'no VM permission in REST…');
    assert.deepEqual(graph.body.data.virtual_machine_list, [], '…an empty list in GraphQL, as NetBox restricts it');
    const other = await gql(`{ device(id: ${devices['core-1']}) { name } }`, one.token);
    assert.equal(other.body.data, null);
    assert.equal(other.body.errors[0].message, 'Device matching query does not exist.');
    const own = await gql(`{ device(id: ${devices['edge-1']}) { name } }`, one.token);
    assert.deepEqual(own.body.data, { device: { name: 'edge-1' } });
  });
});
