import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { loadConfig } from '../../src/core/config.js';
import { createCore, type Core } from '../../src/core/index.js';
import { rotateRootKey } from '../../src/core/keyring/rotate.js';
import { forEachDialect } from '../helpers/dialects.js';
import { tempDir } from '../helpers/server.js';

forEachDialect('keyring', (dialect) => {
  let dataDir: string;
  let core: Core;
  const open = () =>
    createCore(loadConfig({ dataDir, databaseUrl: dialect.databaseUrl }, { HUSH_LOG_LEVEL: 'silent' }));

  before(async () => {
    dataDir = tempDir();
    core = await open();
  });
  after(async () => {
    await core.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates the root key file owner-only and never stores the key in the database', async () => {
    const file = path.join(dataDir, 'root.key');
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    const key = fs.readFileSync(file, 'utf8').trim();
    const rows = await core.db.selectFrom('core_data_keys').selectAll().execute();
    assert.ok(rows.length >= 1);
    assert.ok(!JSON.stringify(rows).includes(key));
  });

  it('round-trips a value and binds it to its row and column', async () => {
    const cipher = core.keyring.cipher('test_secrets');
    const sealed = await cipher.seal('correct horse', { row: '1', column: 'value' });
    assert.ok(!sealed.includes('correct horse'));
    assert.equal(await cipher.openText(sealed, { row: '1', column: 'value' }), 'correct horse');
    await assert.rejects(cipher.open(sealed, { row: '2', column: 'value' }), /failed authentication/);
    await assert.rejects(cipher.open(sealed, { row: '1', column: 'note' }), /failed authentication/);
    await assert.rejects(
      core.keyring.cipher('other_table').open(sealed, { row: '1', column: 'value' }),
      /failed authentication/,
    );
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
    await assert.rejects(cipher.open(tampered, { row: '1', column: 'value' }));
  });

  it('keeps old values readable after a data-key rotation, sealing new ones with the new key', async () => {
    const cipher = core.keyring.cipher('test_secrets');
    const before = await cipher.seal('old', { row: 'a', column: 'v' });
    const newId = await core.keyring.createDataKey();
    const afterRotation = await cipher.seal('new', { row: 'b', column: 'v' });
    assert.equal(afterRotation.split('.')[1], String(newId));
    assert.notEqual(before.split('.')[1], String(newId));
    assert.equal(await cipher.openText(before, { row: 'a', column: 'v' }), 'old');
    assert.equal(await cipher.openText(afterRotation, { row: 'b', column: 'v' }), 'new');
  });

  it('rotates the root key: data still readable, the old key no longer needed', async () => {
    const cipher = core.keyring.cipher('test_secrets');
    const sealed = await cipher.seal('survives rotation', { row: 'r', column: 'v' });
    const keyFile = path.join(dataDir, 'root.key');
    const oldKey = fs.readFileSync(keyFile, 'utf8');
    const result = await rotateRootKey(core.db, { file: keyFile, inline: undefined });
    assert.notEqual(result.rootKeyId, result.previousRootKeyId);
    assert.ok(result.dataKeysRewrapped >= 2);
    assert.notEqual(fs.readFileSync(keyFile, 'utf8'), oldKey);
    assert.equal(fs.statSync(keyFile).mode & 0o777, 0o600);
    assert.ok(!fs.existsSync(`${keyFile}.next`));
    const roots = await core.db.selectFrom('core_data_keys').select('root_key_id').distinct().execute();
    assert.deepEqual(
      roots.map((r) => r.root_key_id),
      [result.rootKeyId],
    );

    // The running process keeps working (its data keys are unwrapped in memory)...
    assert.equal(await cipher.openText(sealed, { row: 'r', column: 'v' }), 'survives rotation');
    // ...and a fresh process with only the new key file reads everything.
    await core.close();
    core = await open();
    assert.equal(
      await core.keyring.cipher('test_secrets').openText(sealed, { row: 'r', column: 'v' }),
      'survives rotation',
    );

    // The old key cannot open the store any more: with it alone, start-up refuses.
    const wrongDir = tempDir();
    fs.writeFileSync(path.join(wrongDir, 'root.key'), oldKey, { mode: 0o600 });
    await assert.rejects(
      createCore(
        loadConfig(
          { dataDir: dialect.databaseUrl ? wrongDir : dataDir, databaseUrl: dialect.databaseUrl },
          { HUSH_ROOT_KEY: oldKey.trim() },
        ),
      ),
      /Root key .* is not available/,
    );
    fs.rmSync(wrongDir, { recursive: true, force: true });
  });

  it('finishes an interrupted rotation: a leftover next key is reused and the keyring loads both', async () => {
    const keyFile = path.join(dataDir, 'root.key');
    const cipher = core.keyring.cipher('test_secrets');
    const sealed = await cipher.seal('interrupted', { row: 'i', column: 'v' });
    // Simulate a crash after step (2): run a rotation, then put the old file back with the new one as `.next`.
    const oldKey = fs.readFileSync(keyFile, 'utf8');
    await rotateRootKey(core.db, { file: keyFile, inline: undefined });
    fs.renameSync(keyFile, `${keyFile}.next`);
    fs.writeFileSync(keyFile, oldKey, { mode: 0o600 });
    await core.close();
    core = await open();
    assert.equal(await core.keyring.cipher('test_secrets').openText(sealed, { row: 'i', column: 'v' }), 'interrupted');
    await rotateRootKey(core.db, { file: keyFile, inline: undefined });
    assert.ok(!fs.existsSync(`${keyFile}.next`));
    await core.close();
    core = await open();
    assert.equal(await core.keyring.cipher('test_secrets').openText(sealed, { row: 'i', column: 'v' }), 'interrupted');
  });
});
