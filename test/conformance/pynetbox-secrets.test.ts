import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startHush, type RunningHush } from '../helpers/server.js';

// Debian's interpreter: pynetbox comes from the python3-pynetbox package, not from whatever python3 is first on PATH.
const PYTHON = '/usr/bin/python3';
const SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test/conformance/pynetbox_secrets.py');
const available = spawnSync(PYTHON, ['-c', 'import pynetbox'], { encoding: 'utf8' }).status === 0;
const skip = available ? false : 'python3-pynetbox is not installed (apt-get install -y python3-pynetbox); pynetbox conformance SKIPPED';
if (skip) process.stderr.write(`!!! ${skip}\n`);

describe('pynetbox 7.0.0 drives the NetBox secrets plugin API', { skip }, () => {
  let hush: RunningHush;
  before(async () => {
    hush = await startHush();
  });
  after(() => hush.close());

  it('keys, session key, roles, secrets with plaintext, save/update/delete, automatic session key', async () => {
    // Asynchronous: the server under test shares this process's event loop.
    const run = await promisify(execFile)(PYTHON, [SCRIPT, hush.url, hush.token], { encoding: 'utf8', timeout: 60_000 });
    const out = JSON.parse(run.stdout);
    assert.equal(out.version, '4.6');
    assert.equal(out.private_key_header, '-----BEGIN RSA PRIVATE KEY-----');
    assert.equal(out.user_key_active, true);
    assert.equal(out.session_key_len, 44);
    assert.equal(out.created_plaintext, null);
    assert.equal(out.read_plaintext, 'foobar');
    assert.equal(out.assigned_object_name, 'MyTestDevice');
    assert.equal(out.role_slug, 'login-creds');
    assert.deepEqual(out.listed, ['foobar']);
    assert.equal(out.count, 1);
    assert.deepEqual(out.roles, ['Login Credentials']);
    assert.equal(out.saved, true);
    assert.equal(out.after_save, 'changed');
    assert.equal(out.updated, true);
    assert.equal(out.after_update_name, 'admin2');
    assert.equal(out.bare_plaintext_is_none, true);
    assert.equal(out.bare_create_status, 400);
    assert.deepEqual(out.auto_plaintexts, ['changed']);
    assert.deepEqual(out.auto_legacy_plaintexts, ['changed']);
    assert.equal(out.auto_session_key_same, true);
    assert.equal(out.deleted, true);
    assert.equal(out.role_deleted, true);
    assert.equal(out.after_delete_is_none, true);
  });
});
