import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pynetboxSkip, runPynetbox } from '../helpers/pynetbox.js';
import { startHush, type RunningHush } from '../helpers/server.js';

const skip = pynetboxSkip();

describe('pynetbox 7.0.0: filters, the filtered cleanup loop, refused fields (issue 16)', { skip }, () => {
  let hush: RunningHush;
  before(async () => {
    hush = await startHush();
  });
  after(() => hush.close());

  it('filters exactly, deletes only what a filter names, and refuses what Hush would not apply or store', async () => {
    const out = await runPynetbox('pynetbox_wire.py', hush);
    assert.deepEqual(out.username_ic, ['alice']);
    assert.deepEqual(out.q, ['bob']);
    assert.deepEqual(out.is_active_false, ['bob']);
    assert.deepEqual(out.id_repeat, ['alice', 'bob']);
    assert.deepEqual(out.token_description, ['ci deploy']);
    assert.deepEqual(out.perm_user, ['keep-me', 'temp-perm']);
    assert.deepEqual(out.after_cleanup, ['keep-me', 'other', 'temp-perm-2']);
    assert.deepEqual(out.after_prefix_cleanup, ['keep-me', 'other']);
    assert.deepEqual(out.unknown_filter, { status: 400, fields: ['nmae'] });
    assert.deepEqual(out.unknown_device_filter, { status: 400, fields: ['site'] });
    assert.deepEqual(out.device_site, { status: 400, fields: ['site', 'status'] });
    assert.deepEqual(out.device_custom_fields, { status: 400, fields: ['custom_fields'] });
    assert.deepEqual(out.role_tags, { status: 400, fields: ['tags'] });
    assert.deepEqual(out.role_after, { tags: [], custom_fields: {} });
    assert.deepEqual(out.bulk_created, [
      ['bulk-1', ''],
      ['bulk-2', 'two'],
    ]);
    assert.deepEqual(out.bulk_bad, { status: 400, fields: ['1.name'] });
    assert.deepEqual(out.after_bulk_bad, ['bulk-1', 'bulk-2']);
    assert.deepEqual(out.bulk_updated, ['updated bulk-1', 'updated bulk-2']);
    assert.equal(out.bulk_deleted, true);
    assert.deepEqual(out.after_bulk_delete, ['edge-1']);
    assert.deepEqual(out.choices, {});
    assert.deepEqual(out.secret_choices, {
      assigned_object_type: [
        { value: 'dcim.device', display_name: 'DCIM | Device' },
        { value: 'virtualization.virtualmachine', display_name: 'Virtualization | VirtualMachine' },
      ],
    });
    assert.deepEqual(out.installed_plugins, ['netbox_secrets']);
    assert.deepEqual(out.users_config, {});
  });
});
