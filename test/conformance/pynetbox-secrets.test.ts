import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pynetboxSkip, runPynetbox } from '../helpers/pynetbox.js';
import { startHush, type RunningHush } from '../helpers/server.js';

const skip = pynetboxSkip();

describe('pynetbox 7.0.0 drives the NetBox secrets plugin API', { skip }, () => {
  let hush: RunningHush;
  before(async () => {
    hush = await startHush();
  });
  after(() => hush.close());

  it('keys, session key, roles, secrets with plaintext, save/update/delete, automatic session key', async () => {
    const out = await runPynetbox('pynetbox_secrets.py', hush);
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
