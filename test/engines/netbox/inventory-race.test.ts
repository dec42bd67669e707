import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDialect } from '../../helpers/dialects.js';
import { startHush, type RunningHush } from '../../helpers/server.js';
import { P, secretBody, unlockedAdmin } from './helpers.js';

/**
 * Bulk (and single) device/VM writes find each object inside their own transaction (service/inventory.ts): an object
 * deleted by a concurrent request between the route's check and the write is a 404 with nothing written, never a
 * write to nothing, a 500, or a second delete audited.
 */
forEachDialect('netbox writes racing a delete', (dialect) => {
  let hush: RunningHush;
  before(async () => {
    hush = await startHush({ databaseUrl: dialect.databaseUrl });
  });
  after(() => hush.close());

  const audited = async (action: string, type: string, id: number) =>
    (
      await hush.request(
        'GET',
        `/api/core/audit-log/?engine=netbox&action=${action}&object_type=${type}&object_id=${id}&limit=100`,
      )
    ).body.count as number;

  for (const [label, base, type] of [
    ['devices', '/api/dcim/devices/', 'dcim.device'],
    ['virtual machines', '/api/virtualization/virtual-machines/', 'virtualization.virtualmachine'],
  ] as const) {
    it(`${label}: bulk PATCH/PUT, single PATCH and bulk DELETE against a concurrent delete`, async () => {
      for (let round = 0; round < 6; round++) {
        const made = await hush.request('POST', base, { body: [{ name: `r${round}-a` }, { name: `r${round}-b` }] });
        assert.equal(made.status, 201, JSON.stringify(made.body));
        const [a, b] = (made.body as { id: number }[]).map((d) => d.id) as [number, number];
        const write =
          round % 3 === 0
            ? hush.request('PATCH', base, {
                body: [
                  { id: b, name: 'renamed-b' },
                  { id: a, name: 'renamed-a' },
                ],
              })
            : round % 3 === 1
              ? hush.request('PUT', base, { body: [{ id: a, name: 'renamed-a' }] })
              : hush.request('PATCH', `${base}${a}/`, { body: { name: 'renamed-a' } });
        const [written, removed, again] = await Promise.all([
          write,
          hush.request('DELETE', base, { body: [{ id: a }] }),
          hush.request('DELETE', base, { body: [{ id: a }] }),
        ]);
        // Exactly one of the two deletes removed it; the other found nothing.
        assert.deepEqual([removed.status, again.status].sort(), [204, 404], JSON.stringify([removed.body, again.body]));
        assert.equal(await audited('inventory.delete', type, a), 1, 'one delete, audited once');
        if (written.status === 200) {
          // It came first: its answer is the object as written.
          const rows = (Array.isArray(written.body) ? written.body : [written.body]) as { id: number; name: string }[];
          assert.ok(
            rows.some((r) => r.id === a && r.name === 'renamed-a'),
            JSON.stringify(written.body),
          );
        } else {
          // The delete came first: all or nothing, so `b` (in the same bulk PATCH) is unchanged and nothing audited.
          assert.equal(written.status, 404, JSON.stringify(written.body));
          assert.equal(await audited('inventory.update', type, a), 0);
          assert.equal((await hush.request('GET', `${base}${b}/`)).body.name, `r${round}-b`);
        }
        assert.equal((await hush.request('GET', `${base}${a}/`)).status, 404);
      }
    });
  }

  it('secrets: a PATCH racing a delete of the same secret is a 404 or a write, never a 500', async () => {
    const nb = await unlockedAdmin(hush);
    for (let round = 0; round < 8; round++) {
      const made = await nb.call('POST', `${P}/secrets/`, secretBody(nb.deviceId, nb.roleId, `race-${round}`));
      assert.equal(made.status, 201, JSON.stringify(made.body));
      const id = made.body.id as number;
      const [patched, removed] = await Promise.all([
        nb.call('PATCH', `${P}/secrets/${id}/`, { description: 'renamed' }),
        nb.plain('DELETE', `${P}/secrets/${id}/`),
      ]);
      assert.equal(removed.status, 204, JSON.stringify(removed.body));
      assert.ok([200, 404].includes(patched.status), `${patched.status} ${JSON.stringify(patched.body)}`);
    }
  });
});
