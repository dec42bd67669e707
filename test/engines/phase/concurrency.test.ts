import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDialect } from '../../helpers/dialects.js';
import { startHush, type RunningHush } from '../../helpers/server.js';
import { createApp, phaseAs, type PhaseCall } from './helpers.js';

const CONCURRENT = /changed by another request at the same time; nothing was stored\. Read it again and retry\./;

forEachDialect('phase: concurrent writes to one secret', (dialect) => {
  let hush: RunningHush;
  let admin: PhaseCall;
  let Q: string;
  before(async () => {
    hush = await startHush({ databaseUrl: dialect.databaseUrl });
    admin = phaseAs(hush, hush.token);
    Q = `?app_id=${(await createApp(admin)).id}&env=development`;
  });
  after(() => hush.close());

  it('answers every PUT 200 or a 409 that says the secret changed concurrently; versions and audit stay exact', async () => {
    const created = await admin('POST', `/v1/secrets/${Q}`, {
      secrets: [{ key: 'RACED', value: 'v0', comment: 'kept' }],
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const id = created.body[0].id as string;

    const answers = await Promise.all(
      Array.from({ length: 24 }, (_, i) => admin('PUT', `/v1/secrets/${Q}`, { secrets: [{ id, value: `v${i + 1}` }] })),
    );
    const ok = answers.filter((a) => a.status === 200);
    for (const a of answers) {
      if (a.status === 200) continue;
      assert.equal(a.status, 409, JSON.stringify(a.body));
      assert.match(a.body.error, CONCURRENT);
    }
    assert.ok(ok.length >= 1);

    // Each success wrote exactly one version, on top of the one before it, keeping what it did not change.
    const [now] = (await admin('GET', `/v1/secrets/${Q}&key=RACED`)).body;
    assert.equal(now.version, 1 + ok.length);
    assert.equal(now.comment, 'kept');
    const history = (await admin('GET', `/v1/secrets/${id}/history/${Q}`)).body as { version: number; value: string }[];
    assert.deepEqual(
      history.map((v) => v.version),
      Array.from({ length: 1 + ok.length }, (_, i) => i + 1),
    );
    assert.deepEqual(new Set(history.slice(1).map((v) => v.value)), new Set(ok.map((a) => a.body[0].value)));
    assert.equal(history.at(-1)!.value, now.value);
    const log = await hush.request(
      'GET',
      `/api/core/audit-log/?engine=phase&action=secret.update&object_id=${id}&limit=100`,
    );
    assert.equal(log.body.count, ok.length);
  });

  it('keeps Phase\'s "Duplicate secret found" for a key that is really taken', async () => {
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => admin('POST', `/v1/secrets/${Q}`, { secrets: [{ key: 'ONCE', value: 'x' }] })),
    );
    assert.equal(answers.filter((a) => a.status === 200).length, 1);
    for (const a of answers.filter((x) => x.status !== 200))
      assert.deepEqual([a.status, a.body.error], [409, 'Duplicate secret found']);
  });
});
