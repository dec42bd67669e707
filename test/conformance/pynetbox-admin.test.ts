import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startHush, type RunningHush } from '../helpers/server.js';

// Debian's interpreter: pynetbox comes from the python3-pynetbox package, not from whatever python3 is first on PATH.
const PYTHON = '/usr/bin/python3';
const SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test/conformance/pynetbox_admin.py');
const available = spawnSync(PYTHON, ['-c', 'import pynetbox'], { encoding: 'utf8' }).status === 0;
const skip = available ? false : 'python3-pynetbox is not installed (apt-get install -y python3-pynetbox); pynetbox conformance SKIPPED';
if (skip) process.stderr.write(`!!! ${skip}\n`);

describe('pynetbox 7.0.0 drives the admin API', { skip }, () => {
  let hush: RunningHush;
  before(async () => {
    hush = await startHush();
  });
  after(() => hush.close());

  it('reads the version, lists, creates, saves, filters, provisions, grants and deletes', async () => {
    // Asynchronous: the server under test shares this process's event loop.
    const run = await promisify(execFile)(PYTHON, [SCRIPT, hush.url, hush.token], { encoding: 'utf8', timeout: 60_000 });
    const out = JSON.parse(run.stdout);
    assert.equal(out.version, '4.6');
    assert.deepEqual(out.status_engines, ['admin', 'phase', 'netbox']);
    assert.deepEqual(out.usernames, ['admin']);
    assert.equal(out.saved, true);
    assert.equal(out.first_name_after_save, 'Py');
    assert.equal(out.get_by_filter, out.created_id);
    assert.equal(out.missing_is_none, true);
    assert.equal(out.user_count, 5);
    assert.equal(out.provisioned_key_len, 40);
    assert.deepEqual(out.own_tokens, ['py-user']);
    assert.deepEqual(out.perm_users, ['py-user']);
    assert.equal(out.user_can_list_users, true);
    assert.equal(out.bad_input.status, 400);
    assert.match(out.bad_input.body, /username/);
    assert.equal(out.deleted, true);
    assert.equal(out.after_delete, true);
  });
});
