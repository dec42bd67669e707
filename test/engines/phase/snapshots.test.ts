// Decrypted environments kept between requests (service/snapshots.ts) must never serve stale data: a write by
// another process over the same store is seen by the next read, references included; the cache can be turned off.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDialect } from '../../helpers/dialects.js';
import { startHush, type RunningHush } from '../../helpers/server.js';
import { createApp, phaseAs, userWithGrants, type PhaseCall } from './helpers.js';

forEachDialect('phase decrypted snapshots', (dialect) => {
  let first: RunningHush;
  let second: RunningHush;
  let viaFirst: PhaseCall;
  let viaSecond: PhaseCall;
  let Q: string;

  before(async () => {
    first = await startHush({ databaseUrl: dialect.databaseUrl });
    // Same store, same root key, its own process state: what a second replica behind a load balancer sees.
    second = await startHush({
      databaseUrl: dialect.databaseUrl,
      dataDir: first.dataDir,
      env: { HUSH_BOOTSTRAP_TOKEN: first.token },
    });
    viaFirst = phaseAs(first, first.token, '');
    viaSecond = phaseAs(second, first.token, '');
    const app = await createApp(viaFirst, 'cache');
    Q = `?app_id=${app.id}&env=development`;
  });
  after(async () => {
    await second?.close();
    await first?.close();
  });

  const values = async (call: PhaseCall) =>
    Object.fromEntries(
      ((await call('GET', `/v1/secrets/${Q}`)).body as { key: string; value: string }[]).map((s) => [s.key, s.value]),
    );

  it('sees creates, updates and deletes made by another process at the next read', async () => {
    const created = await viaFirst('POST', `/v1/secrets/${Q}`, {
      secrets: [
        { key: 'HOST', value: 'db1' },
        { key: 'URL', value: 'pg://${HOST}/app' },
      ],
    });
    assert.equal(created.status, 200);
    assert.deepEqual(await values(viaFirst), { HOST: 'db1', URL: 'pg://db1/app' });
    assert.deepEqual(await values(viaSecond), { HOST: 'db1', URL: 'pg://db1/app' });

    const host = created.body.find((s: { key: string }) => s.key === 'HOST');
    assert.equal(
      (await viaSecond('PUT', `/v1/secrets/${Q}`, { secrets: [{ id: host.id, value: 'db2' }] })).status,
      200,
    );
    // The first process read (and kept) the old revision; the reference follows the new value too.
    assert.deepEqual(await values(viaFirst), { HOST: 'db2', URL: 'pg://db2/app' });

    assert.equal((await viaSecond('DELETE', `/v1/secrets/${Q}`, { secrets: [host.id] })).status, 200);
    assert.deepEqual(await values(viaFirst), { URL: 'pg://${HOST}/app' });
  });

  it('filters a kept environment like the database would: path, key and tags (any)', async () => {
    await viaFirst('POST', `/v1/secrets/${Q}`, {
      secrets: [
        { key: 'A', value: '1', path: '/svc', tags: ['x'] },
        { key: 'B', value: '2', path: '/svc', tags: ['y'] },
        { key: 'C', value: '3', tags: ['x', 'y'] },
      ],
    });
    const keys = async (query: string) =>
      ((await viaFirst('GET', `/v1/secrets/${Q}${query}`)).body as { key: string }[]).map((s) => s.key).sort();
    assert.deepEqual(await keys('&path=/svc'), ['A', 'B']);
    assert.deepEqual(await keys('&key=b'), ['B']);
    assert.deepEqual(await keys('&tags=x'), ['A', 'C']);
    assert.deepEqual(await keys('&tags=y,nope&path=/svc'), ['B']);
  });

  it("never hands one person's overrides to another through the answer built once per revision", async () => {
    const reader = phaseAs(
      first,
      await userWithGrants(first, 'reader', 'person', [{ objectType: 'phase.secret', actions: ['view'] }]),
      'User',
    );
    const [mine] = (await viaFirst('POST', `/v1/secrets/${Q}`, { secrets: [{ key: 'PERSONAL', value: 'shared' }] }))
      .body;
    const overrideOf = async (call: PhaseCall) =>
      ((await call('GET', `/v1/secrets/${Q}`)).body as { id: string; override: { value: string } | null }[]).find(
        (s) => s.id === mine.id,
      )!.override;
    assert.equal(await overrideOf(reader), null);
    // An override is not a write to the environment: no revision bump, yet the owner's next listing shows it.
    await viaFirst('PUT', `/v1/secrets/${Q}`, {
      secrets: [{ id: mine.id, override: { value: 'only-mine', isActive: true } }],
    });
    assert.equal((await overrideOf(viaFirst))?.value, 'only-mine');
    assert.equal(await overrideOf(reader), null);
    assert.equal((await overrideOf(viaSecond))?.value, 'only-mine');
  });

  it('records one audit entry per listing that names every secret it revealed', async () => {
    const listed = (await viaFirst('GET', `/v1/secrets/${Q}&path=/svc`)).body as { id: string }[];
    const entries = await first.request(
      'GET',
      `/api/core/audit-log/?engine=phase&action=secret.read&object_id=${listed[0]!.id}&limit=100`,
    );
    const newest = entries.body.results[0];
    assert.deepEqual([...newest.details.objects].sort(), listed.map((s) => s.id).sort());
    const forSecond = await first.request(
      'GET',
      `/api/core/audit-log/?action=secret.read&object_id=${listed[1]!.id}&limit=100`,
    );
    assert.equal(forSecond.body.results[0].seq, newest.seq);
  });
});

it('HUSH_PLAINTEXT_CACHE_SECONDS=0 reads every listing from the store', async () => {
  const hush = await startHush({ env: { HUSH_PLAINTEXT_CACHE_SECONDS: '0' } });
  try {
    const call = phaseAs(hush, hush.token, '');
    const app = await createApp(call, 'nocache');
    const q = `?app_id=${app.id}&env=development`;
    await call('POST', `/v1/secrets/${q}`, { secrets: [{ key: 'K', value: 'v1' }] });
    // A write that bypasses the service (and its revision bump) is visible only because nothing is kept.
    await hush.app.core.store.db.updateTable('phase_secrets').set({ path: '/moved' }).execute();
    assert.deepEqual(
      (await call('GET', `/v1/secrets/${q}`)).body.map((s: { path: string }) => s.path),
      ['/moved'],
    );
  } finally {
    await hush.close();
  }
});
