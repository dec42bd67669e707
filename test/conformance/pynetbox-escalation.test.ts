import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pynetboxSkip, runPynetbox } from '../helpers/pynetbox.js';
import { startHush, type RunningHush } from '../helpers/server.js';

const skip = pynetboxSkip();

describe('pynetbox 7.0.0: admin-ish grants are no superuser in disguise', { skip }, () => {
  let hush: RunningHush;
  before(async () => {
    hush = await startHush();
  });
  after(() => hush.close());

  it('refuses the escalations with 403 and a detail pynetbox shows, allows the ordinary grants', async () => {
    const out = await runPynetbox('pynetbox_escalation.py', hush);
    const refused = (r: { status: number; error: string }, detail: RegExp) => {
      assert.equal(r.status, 403, JSON.stringify(r));
      assert.match(JSON.parse(r.error).detail, detail);
    };
    refused(out.self_superuser, /^Only a superuser can make a user a superuser/);
    refused(out.admin_email, /^Only a superuser can change the superuser account "admin"/);
    assert.equal(out.admin_email_after, '');
    refused(out.grant_unheld, /you do not hold view on netbox_secrets\.secret/);
    refused(out.admin_token, /^Only a superuser can create tokens of the superuser "admin"/);
    assert.equal(out.grant_held, 'allowed');
    assert.equal(out.other_token, 'allowed');
    assert.equal(out.unknown_type.status, 400);
    assert.match(JSON.parse(out.unknown_type.error).object_types[0], /unknown object type "phase\.environment"/);
    assert.equal(out.still_not_superuser, true);
  });
});
