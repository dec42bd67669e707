import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { loadConfig } from '../../src/core/config.js';
import { HushError } from '../../src/core/errors.js';
import { createCore, type Core } from '../../src/core/index.js';
import { rotateRootKey } from '../../src/core/keyring/rotate.js';
import { forEachDialect } from '../helpers/dialects.js';
import { tempDir } from '../helpers/server.js';

/** Several keyrings on one database, as several processes (or hosts) have: each loaded its key files at its start. */
forEachDialect('keyring shared by processes', (dialect) => {
  let dataDir: string;
  let keyFile: string;
  const cores: Core[] = [];
  const open = async (env: Record<string, string> = {}) => {
    const core = await createCore(
      loadConfig({ dataDir, databaseUrl: dialect.databaseUrl }, { HUSH_LOG_LEVEL: 'silent', ...env }),
    );
    cores.push(core);
    return core;
  };
  const at = (row: string) => ({ row, column: 'v' });
  const superseded = (e: unknown) =>
    e instanceof HushError && e.kind === 'unavailable' && e.reason === 'root_key_superseded';

  before(() => {
    dataDir = tempDir();
    keyFile = path.join(dataDir, 'root.key');
  });
  after(async () => {
    for (const core of cores) await core.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('wraps a new data key by the root key another process rotated to, not the one this process loaded', async () => {
    const stale = await open();
    const other = await open();
    const before = await stale.keyring.cipher('t').seal('sealed before', at('1'));
    const rotation = await rotateRootKey(other.db, { file: keyFile, inline: undefined });

    const id = await stale.keyring.createDataKey();
    const row = await stale.db.selectFrom('core_data_keys').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    assert.equal(row.root_key_id, rotation.rootKeyId);
    const afterwards = await stale.keyring.cipher('t').seal('sealed after', at('2'));
    assert.equal(afterwards.split('.')[1], String(id));
    assert.equal(
      stale.keyring.rootKeyId(),
      rotation.rootKeyId,
      'the superseded root key was replaced by the one in the file',
    );

    // The instance still starts, and everything either process sealed opens.
    const fresh = await open();
    assert.equal(await fresh.keyring.cipher('t').openText(before, at('1')), 'sealed before');
    assert.equal(await fresh.keyring.cipher('t').openText(afterwards, at('2')), 'sealed after');
  });

  it('refuses to seal or make data keys while it cannot load the root key in use, and resumes once its file is current', async () => {
    // A second host: its own copy of the key file, which a rotation elsewhere does not update.
    const hostDir = tempDir();
    const hostKey = path.join(hostDir, 'root.key');
    fs.copyFileSync(keyFile, hostKey);
    try {
      const host = await open({ HUSH_ROOT_KEY_FILE: hostKey });
      const admin = await open();
      const rotation = await rotateRootKey(admin.db, { file: keyFile, inline: undefined });
      const count = async () => (await admin.db.selectFrom('core_data_keys').select('id').execute()).length;
      const keysBefore = await count();

      await assert.rejects(host.keyring.cipher('t').seal('not now', at('3')), superseded);
      await assert.rejects(host.keyring.createDataKey(), superseded);
      assert.equal(await count(), keysBefore);

      fs.copyFileSync(keyFile, hostKey);
      const sealed = await host.keyring.cipher('t').seal('now', at('3'));
      assert.equal(host.keyring.rootKeyId(), rotation.rootKeyId);
      assert.equal(await (await open()).keyring.cipher('t').openText(sealed, at('3')), 'now');
    } finally {
      fs.rmSync(hostDir, { recursive: true, force: true });
    }
  });
});
