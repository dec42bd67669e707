import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDialect } from '../../helpers/dialects.js';
import { startHush, type RunningHush } from '../../helpers/server.js';
import { createApp, phaseAs, userWithGrants, type PhaseCall } from './helpers.js';

// POST /v1/secrets/import/ (beyond Phase): upsert of a whole file in one transaction.
forEachDialect('phase import (upsert)', (dialect) => {
  let hush: RunningHush;
  let admin: PhaseCall;
  let app: { id: string; envs: Record<string, string> };
  let Q: string;
  const list = async () =>
    Object.fromEntries(
      (
        (await admin('GET', `/v1/secrets/${Q}`)).body as {
          id: string;
          key: string;
          value: string;
          version: number;
          comment: string;
          tags: string[];
        }[]
      ).map((s) => [s.key, s]),
    );

  before(async () => {
    hush = await startHush({ databaseUrl: dialect.databaseUrl });
    admin = phaseAs(hush, hush.token);
    app = await createApp(admin);
    Q = `?app_id=${app.id}&env=development`;
    await admin('POST', `/v1/secrets/${Q}`, {
      secrets: [
        { key: 'KEEP', value: 'same', comment: 'c', tags: ['t'] },
        { key: 'CHANGE', value: 'old', comment: 'kept' },
      ],
    });
  });
  after(() => hush.close());

  const batch = [
    { key: 'keep', value: 'same' },
    { key: 'CHANGE', value: 'new' },
    { key: 'FRESH', value: 'x', comment: 'from a file', tags: ['imported'] },
  ];

  it('reports the plan on a dry run and stores nothing', async () => {
    const res = await admin('POST', `/v1/secrets/import/${Q}`, { secrets: batch, dry_run: true });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(typeof res.body.revision, 'number');
    assert.deepEqual(res.body, {
      dry_run: true,
      revision: res.body.revision,
      created: 1,
      updated: 1,
      unchanged: 1,
      secrets: [
        { key: 'KEEP', path: '/', outcome: 'unchanged' },
        { key: 'CHANGE', path: '/', outcome: 'update' },
        { key: 'FRESH', path: '/', outcome: 'create' },
      ],
    });
    assert.deepEqual(Object.keys(await list()).sort(), ['CHANGE', 'KEEP']);
  });

  it('creates and updates in one request, keeping omitted comments and tags, versions bumped only on change', async () => {
    const res = await admin('POST', `/v1/secrets/import/${Q}`, { secrets: batch });
    assert.deepEqual([res.status, res.body.created, res.body.updated, res.body.unchanged], [200, 1, 1, 1]);
    assert.ok(!JSON.stringify(res.body).includes('new'));
    const s = await list();
    assert.deepEqual([s.KEEP!.value, s.KEEP!.version, s.KEEP!.tags], ['same', 1, ['t']]);
    assert.deepEqual([s.CHANGE!.value, s.CHANGE!.version, s.CHANGE!.comment], ['new', 2, 'kept']);
    assert.deepEqual([s.FRESH!.value, s.FRESH!.comment, s.FRESH!.tags], ['x', 'from a file', ['imported']]);
    const again = await admin('POST', `/v1/secrets/import/${Q}`, { secrets: batch });
    assert.equal(again.body.unchanged, 3);
  });

  it('is all-or-nothing: a bad item or a duplicate refuses the whole file, naming the item', async () => {
    const big = Array.from({ length: 1500 }, (_, i) => ({ key: `BULK_${i}`, value: `v${i}` }));
    const bad = await admin('POST', `/v1/secrets/import/${Q}`, {
      secrets: [...big, { key: 'CHANGE', value: 'newer' }, { key: 'X', value: 7 }],
    });
    assert.deepEqual(
      [bad.status, bad.body.index, bad.body.error],
      [400, 1501, "Each secret requires a 'value' string."],
    );
    const dup = await admin('POST', `/v1/secrets/import/${Q}`, {
      secrets: [
        { key: 'A', value: '1' },
        { key: 'a', value: '2' },
      ],
    });
    assert.deepEqual([dup.status, dup.body.index], [409, 1]);
    const s = await list();
    assert.equal(s.CHANGE!.value, 'new');
    assert.equal(s.BULK_0, undefined);
    const ok = await admin('POST', `/v1/secrets/import/${Q}`, { secrets: big });
    assert.deepEqual([ok.status, ok.body.created], [200, 1500]);
  });

  it('refuses to apply a preview the environment has moved on from (if_revision): 409, nothing stored', async () => {
    const file = [
      { key: 'CHANGE', value: 'from the file' },
      { key: 'PREVIEWED_NEW', value: 'n' },
    ];
    const preview = await admin('POST', `/v1/secrets/import/${Q}`, { secrets: file, dry_run: true });
    assert.deepEqual([preview.body.created, preview.body.updated], [1, 1]);
    // Someone edits CHANGE after the preview: applying it would overwrite that edit unseen.
    const id = (await list()).CHANGE!.id;
    assert.equal(
      (await admin('PUT', `/v1/secrets/${Q}`, { secrets: [{ id, value: 'edited meanwhile' }] })).status,
      200,
    );
    const stale = await admin('POST', `/v1/secrets/import/${Q}`, { secrets: file, if_revision: preview.body.revision });
    assert.deepEqual(
      [stale.status, stale.body.error],
      [409, 'The environment changed since the preview; nothing was stored. Preview the import again.'],
    );
    const s = await list();
    assert.equal(s.CHANGE!.value, 'edited meanwhile');
    assert.equal(s.PREVIEWED_NEW, undefined);
    // Previewed again, the same file applies.
    const again = await admin('POST', `/v1/secrets/import/${Q}`, { secrets: file, dry_run: true });
    assert.ok(again.body.revision > preview.body.revision);
    const applied = await admin('POST', `/v1/secrets/import/${Q}`, { secrets: file, if_revision: again.body.revision });
    assert.deepEqual([applied.status, applied.body.created, applied.body.updated], [200, 1, 1]);
    assert.equal((await list()).CHANGE!.value, 'from the file');
    for (const bad of [-1, 1.5, '3'])
      assert.equal((await admin('POST', `/v1/secrets/import/${Q}`, { secrets: file, if_revision: bad })).status, 400);
  });

  it('checks access: view for a dry run, add and change for the real one', async () => {
    const viewer = phaseAs(
      hush,
      await userWithGrants(hush, 'viewer', 'person', [
        { objectType: 'phase.secret', actions: ['view'], objectId: app.envs.development! },
      ]),
    );
    assert.equal((await viewer('POST', `/v1/secrets/import/${Q}`, { secrets: batch, dry_run: true })).status, 200);
    const refused = await viewer('POST', `/v1/secrets/import/${Q}`, {
      secrets: [{ key: 'CHANGE', value: 'by viewer' }],
    });
    assert.deepEqual(
      [refused.status, refused.body.error],
      [403, "You don't have permission to update secrets in this environment."],
    );
    const stranger = phaseAs(hush, await userWithGrants(hush, 'stranger', 'person', []));
    assert.equal((await stranger('POST', `/v1/secrets/import/${Q}`, { secrets: batch, dry_run: true })).status, 403);
    assert.equal(
      (await admin('POST', `/v1/secrets/import/?app_id=${app.id}&env=nope`, { secrets: batch })).status,
      404,
    );
    assert.equal((await admin('POST', `/v1/secrets/import/${Q}`, { secrets: batch, dry_run: 'yes' })).status, 400);
  });
});
