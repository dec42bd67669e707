import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDialect } from '../../helpers/dialects.js';
import { startHush, type RunningHush } from '../../helpers/server.js';
import { createApp, phaseAs, userWithGrants, type PhaseCall } from './helpers.js';

// DELETE /v1/secrets/{id}/override/ (beyond Phase: its REST API can only switch an override off, docs/wire/phase.md §2.4).
forEachDialect('phase personal overrides', (dialect) => {
  let hush: RunningHush;
  let admin: PhaseCall;
  let Q: string;
  let secretId: string;
  before(async () => {
    hush = await startHush({ databaseUrl: dialect.databaseUrl });
    admin = phaseAs(hush, hush.token);
    const app = await createApp(admin);
    Q = `?app_id=${app.id}&env=development`;
    const created = await admin('POST', `/v1/secrets/${Q}`, {
      secrets: [{ key: 'DB_HOST', value: 'db.internal', override: { value: 'localhost', isActive: true } }],
    });
    secretId = created.body[0].id;
  });
  after(() => hush.close());

  const overrideOf = async (call = admin) =>
    (await call('GET', `/v1/secrets/${Q}`)).body.find((s: { id: string }) => s.id === secretId).override;

  it('removes the caller’s own override, leaves the shared value, audits it, and 404s a second time', async () => {
    assert.equal((await overrideOf()).value, 'localhost');
    const removed = await admin('DELETE', `/v1/secrets/${secretId}/override/${Q}`);
    assert.equal(removed.status, 200);
    assert.deepEqual(removed.body, { message: 'Override removed' });
    assert.equal(await overrideOf(), null);
    const [s] = (await admin('GET', `/v1/secrets/${Q}&key=DB_HOST`)).body;
    assert.deepEqual([s.value, s.version], ['db.internal', 1]);
    const again = await admin('DELETE', `/v1/secrets/${secretId}/override/${Q}`);
    assert.equal(again.status, 404);
    assert.match(again.body.error, /no override/);
    const log = await hush.request('GET', `/api/core/audit-log/?engine=phase&object_id=${secretId}&limit=50`);
    const entry = log.body.results.find((e: { action: string }) => e.action === 'override.delete');
    assert.ok(entry, 'no override.delete entry');
    assert.ok(!JSON.stringify(log.body).includes('localhost'));
  });

  it('touches only the caller’s override: another person keeps theirs', async () => {
    const bob = phaseAs(
      hush,
      await userWithGrants(hush, 'bob', 'person', [{ objectType: 'phase.secret', actions: ['view', 'change'] }]),
    );
    await bob('PUT', `/v1/secrets/${Q}`, {
      secrets: [{ id: secretId, override: { value: 'bob-db', isActive: true } }],
    });
    await admin('PUT', `/v1/secrets/${Q}`, {
      secrets: [{ id: secretId, override: { value: 'mine', isActive: true } }],
    });
    assert.equal((await admin('DELETE', `/v1/secrets/${secretId}/override/${Q}`)).status, 200);
    assert.equal((await overrideOf(bob)).value, 'bob-db');
    assert.equal(await overrideOf(), null);
  });

  it('needs change on the environment, refuses service accounts, and 404s an unknown secret', async () => {
    const viewer = phaseAs(
      hush,
      await userWithGrants(hush, 'viewer', 'person', [{ objectType: 'phase.secret', actions: ['view'] }]),
    );
    assert.equal((await viewer('DELETE', `/v1/secrets/${secretId}/override/${Q}`)).status, 403);
    const robot = phaseAs(
      hush,
      await userWithGrants(hush, 'robot', 'service', [{ objectType: 'phase.secret', actions: ['view', 'change'] }]),
      'ServiceAccount',
    );
    const refused = await robot('DELETE', `/v1/secrets/${secretId}/override/${Q}`);
    assert.equal(refused.status, 400);
    assert.match(JSON.stringify(refused.body), /override/);
    const unknown = await admin('DELETE', `/v1/secrets/00000000-0000-4000-8000-000000000000/override/${Q}`);
    assert.equal(unknown.status, 404);
  });
});
