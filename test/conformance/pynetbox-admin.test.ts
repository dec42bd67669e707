import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { allEngines } from '../../src/engines/index.js';
import { pynetboxSkip, runPynetbox } from '../helpers/pynetbox.js';
import { startHush, type RunningHush } from '../helpers/server.js';

const skip = pynetboxSkip();

describe('pynetbox 7.0.0 drives the admin API', { skip }, () => {
  let hush: RunningHush;
  before(async () => {
    hush = await startHush();
  });
  after(() => hush.close());

  it('reads the version, lists, creates, saves, filters, provisions, grants and deletes', async () => {
    const out = await runPynetbox('pynetbox_admin.py', hush);
    assert.equal(out.version, '4.6');
    // Every engine this build serves, in registration order (each new engine adds itself).
    assert.deepEqual(
      out.status_engines,
      allEngines().map((e) => e.name),
    );
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
