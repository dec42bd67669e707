import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDialect } from '../../helpers/dialects.js';
import { startHush, type RunningHush } from '../../helpers/server.js';
import { createApp, phaseAs, userWithGrants, type PhaseCall } from './helpers.js';

// Black-box cases of docs/wire/phase.md §6, numbered as there.
forEachDialect('phase /v1/secrets', (dialect) => {
  let hush: RunningHush;
  let admin: PhaseCall;
  let app: { id: string; envs: Record<string, string> };
  let Q: string;
  let QS: string;
  before(async () => {
    hush = await startHush({ databaseUrl: dialect.databaseUrl });
    admin = phaseAs(hush, hush.token);
    app = await createApp(admin);
    Q = `?app_id=${app.id}&env=development`;
    QS = `?app_id=${app.id}&env=staging`;
  });
  after(() => hush.close());

  const post = (secrets: unknown, q = Q, call = admin) => call('POST', `/v1/secrets/${q}`, { secrets });
  const get = (extra = '', q = Q, call = admin) => call('GET', `/v1/secrets/${q}${extra}`);

  it('17 creates a secret as the seed shows: upper-cased key, 200 with an array, override for a person', async () => {
    const res = await post([
      {
        key: 'db_name',
        value: 'postgres',
        comment: 'primary db name',
        tags: ['db'],
        path: '/backend',
        override: { value: 'postgres-dev', isActive: true },
      },
    ]);
    assert.equal(res.status, 200);
    const [s] = res.body;
    assert.deepEqual(
      [s.key, s.value, s.comment, s.tags, s.path, s.version, s.type, s.lifecycle],
      ['DB_NAME', 'postgres', 'primary db name', ['db'], '/backend', 1, 'secret', 'static'],
    );
    assert.match(s.keyDigest, /^[0-9a-f]{64}$/);
    assert.equal(s.environment, app.envs.development);
    assert.ok(s.folder);
    assert.deepEqual([s.override.value, s.override.isActive], ['postgres-dev', true]);
  });

  it('18 gives service accounts no override; 19-20 normalises paths and defaults the comment', async () => {
    const sa = phaseAs(
      hush,
      await userWithGrants(hush, 'ci-bot', 'service', [
        { objectType: 'phase.secret', actions: ['view', 'add', 'change', 'delete'] },
      ]),
      'ServiceAccount',
    );
    const res = await post([{ key: 'SA_KEY', value: 'v', override: { value: 'x', isActive: true } }], Q, sa);
    assert.equal(res.status, 200);
    assert.equal(res.body[0].override, null);
    assert.equal((await get('&key=SA_KEY')).body[0].override, null);
    assert.deepEqual([res.body[0].path, res.body[0].folder, res.body[0].comment], ['/', null, '']);
    for (const [i, p] of ['backend/', '//backend//', '/backend/'].entries()) {
      assert.equal((await post([{ key: `P${i}`, value: 'v', path: p }])).body[0].path, '/backend');
    }
  });

  it('21-23 refuses duplicates (any case, same path; also within one batch) and allows re-creating deleted keys', async () => {
    await post([{ key: 'DUP', value: '1' }]);
    const again = await post([{ key: 'dup', value: '2' }]);
    assert.equal(again.status, 409);
    assert.equal(again.body.error, 'Duplicate secret found');
    assert.equal((await post([{ key: 'DUP', value: '2', path: '/other' }])).status, 200);
    const inBatch = await post([
      { key: 'TWIN', value: '1' },
      { key: 'twin', value: '2' },
    ]);
    assert.equal(inBatch.status, 409);
    assert.equal(inBatch.body.index, 1);
    assert.deepEqual((await get('&key=TWIN')).body, []);
    const id = (await get('&key=DUP&path=/')).body[0].id;
    assert.equal((await admin('DELETE', `/v1/secrets/${Q}`, { secrets: [id] })).status, 200);
    assert.equal((await post([{ key: 'DUP', value: '3' }])).status, 200);
  });

  it("24-27 answers body and item errors with Phase's messages", async () => {
    const raw = (body: string | undefined) => admin('POST', `/v1/secrets/${Q}`, body, { 'content-type': 'text/plain' });
    assert.equal((await raw(undefined)).body.error, 'Request body is required.');
    assert.equal((await raw('{bad json')).body.error, 'Request body must be valid JSON.');
    assert.equal((await raw('[]')).body.error, 'Request body must be a JSON object.');
    assert.equal((await raw('{}')).body.error, "'secrets' must be a non-empty list.");
    assert.equal((await post([])).body.error, "'secrets' must be a non-empty list.");
    assert.equal((await post([1])).body.error, "Each entry in 'secrets' must be an object.");
    for (const item of [{ value: 'v' }, { key: '  ', value: 'v' }])
      assert.equal((await post([item])).body.error, "Each secret requires a non-empty 'key'.");
    for (const item of [{ key: 'K', value: 5 }, { key: 'K' }])
      assert.equal((await post([item])).body.error, "Each secret requires a 'value' string.");
    assert.equal((await post([{ key: 'EMPTY_OK', value: '' }])).status, 200);
    assert.equal(
      (await post([{ key: 'T', value: 'v', type: 'foo' }])).body.error,
      "Invalid 'type': 'foo'. Must be one of ['config', 'sealed', 'secret'].",
    );
    assert.equal((await post([{ key: 'CFG', value: 'v', type: 'config' }])).body[0].type, 'config');
    assert.equal(
      (await post([{ key: 'O', value: 'v', override: 'x' }])).body.error,
      "'override' must be a JSON object.",
    );
    assert.equal(
      (await post([{ key: 'O', value: 'v', override: { isActive: true } }])).body.error,
      "'override.value' must be a string.",
    );
    assert.equal(
      (await post([{ key: 'O', value: 'v', override: { value: 'v' } }])).body.error,
      "'override.isActive' must be a boolean.",
    );
    // Where Phase answers 500, Hush answers 400.
    const badComment = await post([{ key: 'C', value: 'v', comment: 5 }]);
    assert.equal(badComment.status, 400);
    assert.equal((await post([{ key: 'LONG', value: 'x'.repeat(70_000) }])).status, 400);
    assert.equal((await post([{ key: 'DOTS', value: 'v', path: '/a/../b' }])).status, 400);
    assert.equal((await post(Array.from({ length: 1001 }, (_, i) => ({ key: `K${i}`, value: 'v' })))).status, 413);
  });

  it('29-31 creates unknown tags, cleans tag lists, and stores nothing when one item is bad', async () => {
    const res = await post([{ key: 'TAGGED', value: 'v', tags: ['  x  ', '', 5, 'new-tag'] }]);
    assert.deepEqual(res.body[0].tags, ['new-tag', 'x']);
    const long = await post([
      { key: 'OK1', value: 'v' },
      { key: 'T65', value: 'v', tags: ['t'.repeat(65)] },
    ]);
    assert.equal(long.status, 400);
    assert.equal(long.body.error, `Tag name exceeds 64 characters: '${'t'.repeat(32)}'…`);
    const atomic = await post([
      { key: 'A1', value: 'v' },
      { key: 'DUP', value: 'v' },
      { key: 'A3', value: 'v' },
    ]);
    assert.equal(atomic.status, 409);
    assert.equal(atomic.body.index, 1);
    for (const k of ['OK1', 'A1', 'A3']) assert.deepEqual((await get(`&key=${k}`)).body, []);
  });

  it('32-35 filters by path, key (any case) and tags (ANY, no duplicates)', async () => {
    await post([
      { key: 'DEBUG', value: 'a', path: '/backend', tags: ['aws', 'postgres'] },
      { key: 'DEBUG', value: 'b', path: '/frontend', tags: ['aws'] },
      { key: 'OTHER', value: 'c', path: '/backend', tags: ['gcp'] },
    ]);
    const seed = await get('&path=/backend&key=DEBUG&tags=aws,postgres');
    assert.deepEqual(
      seed.body.map((s: any) => s.value),
      ['a'],
    );
    assert.equal((await get('&key=debug')).body.length, 2);
    assert.ok((await get('')).body.some((s: any) => s.path === '/frontend'));
    assert.ok((await get('&path=/')).body.every((s: any) => s.path === '/'));
    assert.ok((await get('&path=backend/')).body.every((s: any) => s.path === '/backend'));
    assert.deepEqual((await get('&tags=doesnotexist')).body, []);
    assert.equal((await get('&tags=gcp')).body.length, 1);
  });

  it('36 shows an override only to the person who set it', async () => {
    const other = phaseAs(
      hush,
      await userWithGrants(hush, 'bob', 'person', [
        { objectType: 'phase.secret', actions: ['view'], objectId: app.envs.development },
      ]),
    );
    const mine = (await get('&key=DB_NAME')).body[0];
    assert.equal(mine.override.value, 'postgres-dev');
    assert.equal(mine.value, 'postgres');
    const theirs = (await get('&key=DB_NAME', Q, other)).body[0];
    assert.equal(theirs.override, null);
    assert.equal(theirs.value, 'postgres');
  });

  it('43-45 updates as the seed shows, keeps omitted fields, bumps the version every time', async () => {
    const [s] = (await post([{ key: 'UPD', value: 'v1', comment: 'c', tags: ['t1'], path: '/u' }])).body;
    const seed = await admin('PUT', `/v1/secrets/${Q}`, {
      secrets: [
        {
          id: s.id,
          key: 'DB_NAME_POSTGRES',
          value: 'postgres-primary',
          comment: 'primary db name',
          path: '/backend/db',
          override: { value: 'postgres-dev', isActive: true },
        },
      ],
    });
    assert.equal(seed.status, 200);
    assert.deepEqual(
      [seed.body[0].key, seed.body[0].value, seed.body[0].path, seed.body[0].version, seed.body[0].tags],
      ['DB_NAME_POSTGRES', 'postgres-primary', '/backend/db', 2, ['t1']],
    );
    const valueOnly = (await admin('PUT', `/v1/secrets/${Q}`, { secrets: [{ id: s.id, value: 'v2' }] })).body[0];
    assert.deepEqual(
      [valueOnly.key, valueOnly.value, valueOnly.comment, valueOnly.path, valueOnly.version],
      ['DB_NAME_POSTGRES', 'v2', 'primary db name', '/backend/db', 3],
    );
    const tagsOnly = (await admin('PUT', `/v1/secrets/${Q}`, { secrets: [{ id: s.id, tags: ['t2', 't3'] }] })).body[0];
    assert.deepEqual([tagsOnly.tags, tagsOnly.version], [['t2', 't3'], 4]);
    assert.deepEqual((await admin('PUT', `/v1/secrets/${Q}`, { secrets: [{ id: s.id, tags: [] }] })).body[0].tags, []);
    assert.equal((await get(`&key=DB_NAME_POSTGRES`)).body[0].version, 5);
  });

  it('46-47 refuses unknown ids, ids of another environment, and key or path clashes', async () => {
    assert.equal(
      (await admin('PUT', `/v1/secrets/${Q}`, { secrets: [{ value: 'x' }] })).body.error,
      'Secret ID not provided',
    );
    const ghost = '00000000-0000-4000-8000-000000000000';
    const unknown = await admin('PUT', `/v1/secrets/${Q}`, { secrets: [{ id: ghost, value: 'x' }] });
    assert.deepEqual([unknown.status, unknown.body.error], [404, `Secret not found: ${ghost}`]);
    const [staging] = (await post([{ key: 'STAGING_ONLY', value: 's' }], QS)).body;
    assert.equal((await admin('PUT', `/v1/secrets/${Q}`, { secrets: [{ id: staging.id, value: 'x' }] })).status, 404);
    const [a, b] = (
      await post([
        { key: 'CLASH_A', value: 'a', path: '/c' },
        { key: 'CLASH_B', value: 'b', path: '/d' },
      ])
    ).body;
    assert.equal(
      (await admin('PUT', `/v1/secrets/${Q}`, { secrets: [{ id: a.id, key: 'clash_b', path: '/d' }] })).status,
      409,
    );
    assert.equal(
      (await admin('PUT', `/v1/secrets/${Q}`, { secrets: [{ id: b.id, key: 'CLASH_A' }] })).status,
      200,
      'other path: fine',
    );
    assert.equal(
      (await admin('PUT', `/v1/secrets/${Q}`, { secrets: [{ id: b.id, path: '/c' }] })).status,
      409,
      'a move onto an occupied key',
    );
  });

  it('48-49 updates overrides and keeps sealed values sealed', async () => {
    const [s] = (await post([{ key: 'OVR', value: 'shared' }])).body;
    await admin('PUT', `/v1/secrets/${Q}`, { secrets: [{ id: s.id, override: { value: 'mine', isActive: false } }] });
    const read = (await get('&key=OVR')).body[0];
    assert.deepEqual([read.override.value, read.override.isActive, read.value], ['mine', false, 'shared']);
    assert.equal(
      (await admin('PUT', `/v1/secrets/${Q}`, { secrets: [{ id: s.id, override: null }] })).body.error,
      "'override' must be a JSON object.",
    );
    const [sealed] = (await post([{ key: 'SEALED', value: 'old', type: 'sealed' }])).body;
    assert.equal(
      (await admin('PUT', `/v1/secrets/${Q}`, { secrets: [{ id: sealed.id, type: 'secret' }] })).body.error,
      'Sealed secrets cannot be unsealed. Delete and recreate the secret instead.',
    );
    const kept = (await admin('PUT', `/v1/secrets/${Q}`, { secrets: [{ id: sealed.id, value: 'new' }] })).body[0];
    assert.deepEqual([kept.value, kept.version], ['old', 2]);
  });

  it('50-55 deletes all-or-nothing within the environment', async () => {
    const [x, y] = (
      await post([
        { key: 'DEL_X', value: 'x' },
        { key: 'DEL_Y', value: 'y' },
      ])
    ).body;
    const [z] = (await post([{ key: 'DEL_Z', value: 'z' }], QS)).body;
    const mixed = await admin('DELETE', `/v1/secrets/${Q}`, { secrets: [x.id, z.id] });
    assert.deepEqual([mixed.status, mixed.body.error], [404, `Secret(s) not found in this environment: ${z.id}`]);
    assert.equal((await get('&key=DEL_X')).body.length, 1);
    assert.deepEqual((await admin('DELETE', `/v1/secrets/${Q}`, { secrets: [x.id] })).body, {
      message: 'Deleted 1 secret',
    });
    assert.deepEqual((await get('&key=DEL_X')).body, []);
    assert.equal((await admin('DELETE', `/v1/secrets/${Q}`, { secrets: [x.id] })).status, 404);
    const [w] = (await post([{ key: 'DEL_W', value: 'w' }])).body;
    assert.deepEqual((await admin('DELETE', `/v1/secrets/${Q}`, { secrets: [y.id, w.id] })).body, {
      message: 'Deleted 2 secrets',
    });
    assert.equal(
      (await admin('DELETE', `/v1/secrets/${Q}`, { secrets: [] })).body.error,
      "'secrets' must be a non-empty list of secret IDs.",
    );
    assert.equal((await admin('DELETE', `/v1/secrets/${Q}`, { secrets: [5] })).status, 400);
  });

  it('56 keeps every version: history lists them, restore brings one back as a new version, reads are audited', async () => {
    const [s] = (await post([{ key: 'HIST', value: 'one' }])).body;
    await admin('PUT', `/v1/secrets/${Q}`, { secrets: [{ id: s.id, value: 'two' }] });
    await admin('PUT', `/v1/secrets/${Q}`, { secrets: [{ id: s.id, value: 'three', comment: 'c3' }] });
    await get('&key=HIST');
    assert.equal((await get('&key=HIST')).body[0].version, 3);
    const history = await admin('GET', `/v1/secrets/${s.id}/history/${Q}`);
    assert.deepEqual(
      history.body.map((v: any) => [v.version, v.value]),
      [
        [1, 'one'],
        [2, 'two'],
        [3, 'three'],
      ],
    );
    const restored = await admin('POST', `/v1/secrets/${s.id}/restore/${Q}`, { version: 1 });
    assert.deepEqual([restored.body[0].value, restored.body[0].comment, restored.body[0].version], ['one', '', 4]);
    assert.equal((await admin('POST', `/v1/secrets/${s.id}/restore/${Q}`, { version: 9 })).status, 404);
    assert.equal((await admin('POST', `/v1/secrets/${s.id}/restore/${Q}`, { version: 'x' })).status, 400);
    const log = await hush.request('GET', `/api/core/audit-log/?engine=phase&object_id=${s.id}&limit=100`);
    const actions = log.body.results.map((e: any) => e.action).reverse();
    assert.deepEqual(
      actions.filter((a: string) => a !== 'secret.read'),
      ['secret.create', 'secret.update', 'secret.update', 'secret_history.read', 'secret.update'],
    );
    assert.ok(actions.filter((a: string) => a === 'secret.read').length >= 5);
    assert.ok(!JSON.stringify(log.body).includes('three'));
  });

  it('history with latest=1 answers the current version only, as written, audited as a read of that secret', async () => {
    await post([{ key: 'LATEST_BASE', value: 'base' }]);
    const [s] = (await post([{ key: 'LATEST_REF', value: 'old-rotated-out' }])).body;
    await admin('PUT', `/v1/secrets/${Q}`, { secrets: [{ id: s.id, value: 'v2-${LATEST_BASE}' }] });
    const latest = await admin('GET', `/v1/secrets/${s.id}/history/${Q}&latest=1`);
    assert.equal(latest.status, 200, JSON.stringify(latest.body));
    assert.deepEqual(
      latest.body.map((v: any) => [v.version, v.value]),
      [[2, 'v2-${LATEST_BASE}']],
    );
    assert.ok(!JSON.stringify(latest.body).includes('old-rotated-out'));
    assert.equal((await admin('GET', `/v1/secrets/${s.id}/history/${Q}&latest=2`)).status, 400);
    const log = await hush.request('GET', `/api/core/audit-log/?engine=phase&object_id=${s.id}&limit=100`);
    const actions = log.body.results.map((e: any) => e.action).reverse();
    // The POST and PUT answers are reads too; the history read is one more, never secret_history.read.
    assert.ok(!actions.includes('secret_history.read'));
    assert.deepEqual(actions.slice(-1), ['secret.read']);
    assert.deepEqual(
      actions.filter((a: string) => a !== 'secret.read'),
      ['secret.create', 'secret.update'],
    );
  });

  it('stores no plaintext: values, keys and comments are ciphertexts bound to their version', async () => {
    await post([{ key: 'AT_REST', value: 'plain-value-at-rest', comment: 'plain-comment' }]);
    const rows = await hush.app.core.store.db.selectFrom('phase_secret_versions').selectAll().execute();
    const dump = JSON.stringify(rows);
    for (const text of ['plain-value-at-rest', 'plain-comment', 'AT_REST']) assert.ok(!dump.includes(text), text);
  });
});
