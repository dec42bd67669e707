import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, it } from 'node:test';
import { loadConfig } from '../../src/core/config.js';
import { createCore, type Core } from '../../src/core/index.js';
import type { VersionTable } from '../../src/core/ports.js';
import { forEachDialect } from '../helpers/dialects.js';
import { tempDir } from '../helpers/server.js';

// The core's version tables (src/core/versions/versions.ts), shared by Phase secrets and list values.
forEachDialect('core versions', (dialect) => {
  let dataDir: string;
  let core: Core;
  let notes: VersionTable<{ text: string }, { label: string }>;

  before(async () => {
    dataDir = tempDir();
    core = await createCore(loadConfig({ dataDir, databaseUrl: dialect.databaseUrl }, { HUSH_LOG_LEVEL: 'silent' }));
    await core.db.schema
      .createTable('test_note_versions')
      .addColumn('note_id', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('content_ct', 'text', (c) => c.notNull())
      .addColumn('label', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('actor_user_id', 'integer')
      .addPrimaryKeyConstraint('test_note_versions_pk', ['note_id', 'version'])
      .execute();
    notes = core.versions.table({ table: 'test_note_versions', ownerColumn: 'note_id' });
  });
  after(async () => {
    await core.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const write = async (owner: string, version: number, text: string) => {
    const contentCt = await notes.seal(owner, version, { text });
    await core.db.transaction().execute((trx) =>
      notes.append(trx, {
        owner,
        version,
        contentCt,
        createdAt: new Date().toISOString(),
        actorUserId: 1,
        extra: { label: `v${version}` },
      }),
    );
    return contentCt;
  };

  it('keeps every version sealed, lists them oldest first with the engine columns, finds one to restore', async () => {
    await write('a', 1, 'first words');
    await write('a', 2, 'second words');
    const rows = await core.db.selectFrom('test_note_versions').selectAll().execute();
    assert.ok(!JSON.stringify(rows).includes('words'));
    const history = await notes.history('a');
    assert.deepEqual(
      history.map((v) => [v.version, v.content.text, v.extra.label, v.actorUserId]),
      [
        [1, 'first words', 'v1', 1],
        [2, 'second words', 'v2', 1],
      ],
    );
    assert.equal((await notes.restorable('a', 1))?.content.text, 'first words');
    assert.equal(await notes.restorable('a', 3), undefined);
    assert.deepEqual(await notes.history('nobody'), []);
  });

  it('binds each ciphertext to its owner and version number', async () => {
    const ct = await write('b', 1, 'bound');
    assert.deepEqual(await notes.open('b', 1, ct), { text: 'bound' });
    await assert.rejects(notes.open('b', 2, ct));
    await assert.rejects(notes.open('c', 1, ct));
    await assert.rejects(core.versions.table({ table: 'other_versions', ownerColumn: 'note_id' }).open('b', 1, ct));
  });

  it('refuses a second row for the same version (the primary key serialises concurrent writers)', async () => {
    await write('d', 1, 'one');
    await assert.rejects(write('d', 1, 'again'));
  });
});
