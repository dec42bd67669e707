import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { systemActor } from '../../src/core/audit/log.js';
import { verifyAuditChain } from '../../src/core/audit/verify.js';
import { loadConfig } from '../../src/core/config.js';
import { createCore, type Core } from '../../src/core/index.js';
import type { KeyChangeRecorder } from '../../src/core/keyring/data-keys.js';
import { interruptedRotationAdvice } from '../../src/core/keyring/problems.js';
import { rotateRootKey } from '../../src/core/keyring/rotate.js';
import { AuditAction } from '../../src/core/names.js';
import { forEachDialect } from '../helpers/dialects.js';
import { tempDir } from '../helpers/server.js';

/** What a crash or a failure in the middle of a key change leaves, and how the next start and command deal with it. */
forEachDialect('keyring recovery', (dialect) => {
  let dataDir: string;
  let keyFile: string;
  let nextFile: string;
  const cores: Core[] = [];
  const open = async () => {
    const core = await createCore(
      loadConfig({ dataDir, databaseUrl: dialect.databaseUrl }, { HUSH_LOG_LEVEL: 'silent' }),
    );
    cores.push(core);
    return core;
  };
  const source = () => ({ file: keyFile, inline: undefined });
  const recorder =
    (core: Core): KeyChangeRecorder =>
    (trx, event) =>
      core.audit.appendWithin(trx, systemActor, [event]);
  const dataKeys = (core: Core) => core.db.selectFrom('core_data_keys').selectAll().orderBy('id').execute();
  const rotations = async (core: Core) =>
    (await core.audit.list({ action: AuditAction.rootKeyRotate }, { limit: 100, offset: 0 })).rows;
  const at = { row: 'r', column: 'v' };

  before(() => {
    dataDir = tempDir();
    keyFile = path.join(dataDir, 'root.key');
    nextFile = `${keyFile}.next`;
  });
  after(async () => {
    for (const core of cores) await core.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('changes no key when the audit entry cannot be written: the entry is part of the change', async () => {
    const core = await open();
    const rowsBefore = await dataKeys(core);
    const keyBefore = fs.readFileSync(keyFile, 'utf8');
    const head = await core.db.selectFrom('core_audit_head').selectAll().executeTakeFirstOrThrow();
    await core.db.deleteFrom('core_audit_head').execute(); // every append now fails
    try {
      await assert.rejects(rotateRootKey(core.db, source(), { record: recorder(core) }));
      await assert.rejects(core.keyring.createDataKey(recorder(core)));
    } finally {
      await core.db.insertInto('core_audit_head').values(head).execute();
    }
    assert.deepEqual(await dataKeys(core), rowsBefore);
    assert.equal(fs.readFileSync(keyFile, 'utf8'), keyBefore);
    assert.deepEqual(await rotations(core), []);

    // The new key was written before the transaction failed: an unfinished rotation, which a start reports...
    const nextKey = fs.readFileSync(nextFile, 'utf8');
    const reopened = await open();
    const rotation = reopened.keyringState.interruptedRotation;
    assert.ok(rotation);
    assert.equal(rotation.nextFile, nextFile);
    assert.equal(rotation.dataKeysUseNext, false);
    const advice = interruptedRotationAdvice(rotation, reopened.config);
    assert.ok(advice.includes(`hush admin rotate-root-key --data-dir ${dataDir}`), advice);
    assert.ok(advice.includes(`hush admin rotate-root-key --undo --data-dir ${dataDir}`), advice);
    assert.match(advice, /no data key uses yet/);

    // ...and the next rotation finishes with that key, recording it in the same transaction.
    const done = await rotateRootKey(core.db, source(), { record: recorder(core) });
    assert.equal(done.outcome, 'rotated');
    assert.equal(done.rootKeyId, rotation.nextRootKeyId);
    assert.equal(fs.readFileSync(keyFile, 'utf8'), nextKey);
    assert.ok(!fs.existsSync(nextFile));
    const [entry] = await rotations(core);
    assert.deepEqual(JSON.parse(entry!.details), {
      from: done.previousRootKeyId,
      to: done.rootKeyId,
      data_keys: rowsBefore.length,
    });
    assert.equal((await verifyAuditChain(core.db)).ok, true);
  });

  it('undoes a rotation interrupted after the re-wrap, and says so at start', async () => {
    let core = await open();
    const sealed = await core.keyring.cipher('t').seal('kept', at);
    const oldKey = fs.readFileSync(keyFile, 'utf8');
    const rotated = await rotateRootKey(core.db, source(), { record: recorder(core) });
    // As a crash between the commit and the rename leaves it: the new key still in `.next`.
    fs.renameSync(keyFile, nextFile);
    fs.writeFileSync(keyFile, oldKey, { mode: 0o600 });

    core = await open();
    const rotation = core.keyringState.interruptedRotation!;
    assert.equal(rotation.dataKeysUseNext, true);
    assert.match(interruptedRotationAdvice(rotation, core.config), /already wrapped by the new key .*keep both files/);

    const undone = await rotateRootKey(core.db, source(), { undo: true, record: recorder(core) });
    assert.deepEqual(
      [undone.outcome, undone.previousRootKeyId, undone.rootKeyId],
      ['undone', rotated.rootKeyId, rotated.previousRootKeyId],
    );
    assert.ok(undone.dataKeysRewrapped >= 1);
    assert.ok(!fs.existsSync(nextFile));
    assert.deepEqual([...new Set((await dataKeys(core)).map((r) => r.root_key_id))], [rotated.previousRootKeyId]);
    assert.equal(JSON.parse((await rotations(core))[0]!.details).undo, true);
    await assert.rejects(rotateRootKey(core.db, source(), { undo: true }), /No root-key rotation to undo/);

    const fresh = await open();
    assert.equal(fresh.keyringState.interruptedRotation, undefined);
    assert.equal(await fresh.keyring.cipher('t').openText(sealed, at), 'kept');
  });

  it('removes the temporary key copies a crash left, at start and before a rotation, and nothing else', async () => {
    const leftovers = [`${keyFile}.next.4242.0123456789ab.tmp`, `${keyFile}.777.abcdefabcdef.tmp`];
    const unrelated = [`${keyFile}.backup`, path.join(dataDir, 'notes.tmp')];
    for (const f of [...leftovers, ...unrelated]) fs.writeFileSync(f, 'a copy of a key\n', { mode: 0o600 });
    const core = await open();
    assert.deepEqual([...core.keyringState.removedTempFiles].sort(), [...leftovers].sort());
    for (const f of leftovers) assert.ok(!fs.existsSync(f), f);
    for (const f of unrelated) assert.ok(fs.existsSync(f), f);

    fs.writeFileSync(leftovers[0]!, 'a copy of a key\n', { mode: 0o600 });
    await rotateRootKey(core.db, source(), { record: recorder(core) });
    assert.deepEqual(
      fs.readdirSync(dataDir).filter((n) => n.endsWith('.tmp')),
      ['notes.tmp'],
    );
  });

  it('refuses to start without the key file of an existing database, writing nothing and naming the file', async () => {
    const kept = `${keyFile}.moved`;
    fs.renameSync(keyFile, kept);
    const listing = fs.readdirSync(dataDir).sort();
    try {
      await assert.rejects(open(), (e: Error) => {
        assert.ok(e.message.includes(`root key file ${keyFile} is missing`), e.message);
        assert.match(e.message, /no new key was written/);
        assert.match(e.message, /HUSH_ROOT_KEY_FILE/);
        assert.match(e.message, /HUSH_ROOT_KEY\b/);
        return true;
      });
      assert.ok(!fs.existsSync(keyFile));
      assert.deepEqual(fs.readdirSync(dataDir).sort(), listing);
    } finally {
      fs.renameSync(kept, keyFile);
    }
    assert.ok((await open()).keyringState.rootKeyId);
  });
});
