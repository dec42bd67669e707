import SQLite from 'better-sqlite3';
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createResource, passboltUser } from '../engines/passbolt/helpers.js';
import { startHush, type RunningHush } from '../helpers/server.js';
import { passboltProblems, phaseProblems } from './consistency.js';
import type { Inspector } from './harness.js';

/** The crash suite's audit-versus-data check must see a change without its entry, and an entry without its change. */
describe('crash suite consistency check', () => {
  let hush: RunningHush;
  let db: SQLite.Database;
  let inspector: Inspector;
  before(async () => {
    hush = await startHush();
    const app = (await hush.request('POST', '/v1/apps/', { body: { name: 'c' } })).body.id;
    await hush.request('POST', `/v1/secrets/?app_id=${app}&env=development`, {
      body: {
        secrets: [
          { key: 'A', value: '1' },
          { key: 'B', value: '2' },
        ],
      },
    });
    const ada = await passboltUser(hush, 'ada');
    await createResource(ada, 'r', 'pw');
    db = new SQLite(path.join(hush.dataDir, 'hush.db'));
    inspector = { all: async (q, params = []) => db.prepare(q).all(...params) as never, close: async () => {} };
  });
  after(async () => {
    db.close();
    await hush.close();
  });

  it('passes on an untouched instance', async () => {
    assert.deepEqual(await phaseProblems(inspector), []);
    assert.deepEqual(await passboltProblems(inspector), []);
  });

  it('reports a stored Phase version without its entry, and an entry without its version', async () => {
    const [v] = db.prepare('select * from phase_secret_versions limit 1').all() as Record<string, unknown>[];
    db.prepare(
      'insert into phase_secret_versions (secret_id, version, content_ct, path, type, tags, created_at, actor_user_id) values (?, 7, ?, ?, ?, ?, ?, ?)',
    ).run(v!.secret_id, v!.content_ct, v!.path, v!.type, v!.tags, v!.created_at, v!.actor_user_id);
    assert.deepEqual(await phaseProblems(inspector), [`stored version ${v!.secret_id}@7 has no audit entry`]);
    db.prepare('delete from phase_secret_versions where secret_id = ? and version = 1').run(v!.secret_id);
    const problems = await phaseProblems(inspector);
    assert.ok(problems.includes(`audit names ${v!.secret_id}@1, which is not stored`), problems.join('; '));
    assert.ok(
      problems.some((p) => /is at version 1, which is not stored/.test(p)),
      problems.join('; '),
    );
  });

  it('reports a Passbolt permission or secret copy the audit log does not account for', async () => {
    const [p] = db.prepare('select * from passbolt_permissions limit 1').all() as Record<string, unknown>[];
    db.prepare('delete from passbolt_secrets where resource_id = ?').run(p!.aco_foreign_key);
    assert.deepEqual(await passboltProblems(inspector), [
      `resource ${p!.aco_foreign_key}: 0 secret copies for 1 permitted users`,
    ]);
    db.prepare('delete from passbolt_permissions where id = ?').run(p!.id);
    assert.ok(
      (await passboltProblems(inspector)).includes(
        `resource ${p!.aco_foreign_key}: permissions for 0 users, the audit log accounts for 1`,
      ),
    );
  });
});
