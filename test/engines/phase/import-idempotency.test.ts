import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { forEachDialect } from '../../helpers/dialects.js';
import { startHush, type RunningHush } from '../../helpers/server.js';
import { createApp, phaseAs, userWithGrants, type PhaseCall } from './helpers.js';

// POST /v1/secrets/import/ with an Idempotency-Key: a repeated key gets the stored answer, never a second import.
forEachDialect('phase import: Idempotency-Key', (dialect) => {
  let hush: RunningHush;
  let admin: PhaseCall;
  let Q: string;
  const importWith = (
    key: string | undefined,
    secrets: unknown[],
    call = () => admin,
    extra: Record<string, unknown> = {},
  ) =>
    call()(
      'POST',
      `/v1/secrets/import/${Q}`,
      { secrets, ...extra },
      key === undefined ? {} : { 'idempotency-key': key },
    );
  const updates = async () =>
    (await hush.request('GET', '/api/core/audit-log/?engine=phase&limit=1000')).body.results.filter(
      (e: { details: { via?: string } }) => e.details.via === 'import',
    ).length;

  before(async () => {
    hush = await startHush({ databaseUrl: dialect.databaseUrl });
    admin = phaseAs(hush, hush.token);
    Q = `?app_id=${(await createApp(admin)).id}&env=development`;
  });
  after(() => hush.close());

  it('replays the stored answer for a repeated key: applied once, audited once', async () => {
    const key = randomUUID();
    const batch = [
      { key: 'ONCE_A', value: '1' },
      { key: 'ONCE_B', value: '2' },
    ];
    const before = await updates();
    const first = await importWith(key, batch);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.created, 2);
    assert.equal(first.headers.get('idempotent-replayed'), null);
    const again = await importWith(key, batch);
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, first.body, 'the first answer, not "2 unchanged"');
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.equal(await updates(), before + 2);
    // Without the key, the same request is simply run again.
    assert.equal((await importWith(undefined, batch)).body.unchanged, 2);
  });

  it('accepts the quoted form of the draft standard, and refuses a malformed key naming the header', async () => {
    const key = randomUUID();
    assert.equal((await importWith(`"${key}"`, [{ key: 'QUOTED', value: 'q' }])).status, 200);
    assert.equal((await importWith(key, [{ key: 'QUOTED', value: 'q' }])).headers.get('idempotent-replayed'), 'true');
    for (const bad of ['', 'x'.repeat(256), 'has space', 'naïve']) {
      const res = await importWith(bad, [{ key: 'NEVER', value: 'n' }]);
      assert.equal(res.status, 400, bad);
      assert.match(res.body.error, /Idempotency-Key/);
    }
    assert.deepEqual((await admin('GET', `/v1/secrets/${Q}&key=NEVER`)).body, []);
  });

  it('refuses a key reused for another request, and keeps keys apart per caller', async () => {
    const key = randomUUID();
    assert.equal((await importWith(key, [{ key: 'FIRST', value: '1' }])).status, 200);
    const other = await importWith(key, [{ key: 'SECOND', value: '2' }]);
    assert.equal(other.status, 409);
    assert.match(other.body.error, /already used for a different request/);
    assert.deepEqual((await admin('GET', `/v1/secrets/${Q}&key=SECOND`)).body, []);

    const bob = phaseAs(
      hush,
      await userWithGrants(hush, 'bob', 'person', [
        { objectType: 'phase.secret', actions: ['view', 'add', 'change'] },
        { objectType: 'phase.app', actions: ['view'] },
      ]),
    );
    const his = await importWith(key, [{ key: 'SECOND', value: '2' }], () => bob);
    assert.equal(his.status, 200, JSON.stringify(his.body));
    assert.equal(his.headers.get('idempotent-replayed'), null);
  });

  it('stores nothing for a dry run or a refused import, so the key still works for the real one', async () => {
    const key = randomUUID();
    assert.equal(
      (await importWith(key, [{ key: 'LATER', value: 'l' }], undefined, { dry_run: true })).body.dry_run,
      true,
    );
    assert.equal((await importWith(key, [{ key: 'LATER', value: 'x'.repeat(70_000) }])).status, 400);
    const real = await importWith(key, [{ key: 'LATER', value: 'l' }]);
    assert.deepEqual([real.status, real.body.created, real.headers.get('idempotent-replayed')], [200, 1, null]);
  });

  it('seals what it stores, and forgets a key after a day', async () => {
    const key = randomUUID();
    assert.equal((await importWith(key, [{ key: 'REMEMBERED_KEY_NAME', value: 'v1' }])).status, 200);
    const db = hush.app.core.store.db;
    const rows = await db.selectFrom('core_idempotency_keys').selectAll().where('idem_key', '=', key).execute();
    assert.equal(rows.length, 1);
    assert.ok(!JSON.stringify(rows).includes('REMEMBERED_KEY_NAME'), 'the stored answer names keys: sealed');
    await db
      .updateTable('core_idempotency_keys')
      .set({ created_at: new Date(Date.now() - 25 * 3600_000).toISOString() })
      .where('idem_key', '=', key)
      .execute();
    const later = await importWith(key, [{ key: 'REMEMBERED_KEY_NAME', value: 'v2' }]);
    assert.deepEqual([later.status, later.body.updated, later.headers.get('idempotent-replayed')], [200, 1, null]);
  });

  it('applies concurrent twins of one request once', async () => {
    const key = randomUUID();
    const before = await updates();
    const answers = await Promise.all(Array.from({ length: 6 }, () => importWith(key, [{ key: 'TWIN', value: 't' }])));
    for (const a of answers) {
      if (a.status === 200) assert.equal(a.body.created, 1, 'every 200 is the one import that ran');
      else assert.equal(a.status, 409, JSON.stringify(a.body));
    }
    assert.ok(answers.some((a) => a.status === 200));
    assert.equal(await updates(), before + 1);
  });
});
