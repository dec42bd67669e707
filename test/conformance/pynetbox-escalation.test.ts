import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startHush, type RunningHush } from '../helpers/server.js';

// Debian's interpreter: pynetbox comes from the python3-pynetbox package, not from whatever python3 is first on PATH.
const PYTHON = '/usr/bin/python3';
const SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test/conformance/pynetbox_escalation.py');
const available = spawnSync(PYTHON, ['-c', 'import pynetbox'], { encoding: 'utf8' }).status === 0;
const skip = available ? false : 'python3-pynetbox is not installed (apt-get install -y python3-pynetbox); pynetbox conformance SKIPPED';
if (skip) process.stderr.write(`!!! ${skip}\n`);

describe('pynetbox 7.0.0: admin-ish grants are no superuser in disguise', { skip }, () => {
  let hush: RunningHush;
  before(async () => {
    hush = await startHush();
  });
  after(() => hush.close());

  it('refuses the escalations with 403 and a detail pynetbox shows, allows the ordinary grants', async () => {
    // Asynchronous: the server under test shares this process's event loop.
    const run = await promisify(execFile)(PYTHON, [SCRIPT, hush.url, hush.token], { encoding: 'utf8', timeout: 60_000 });
    const out = JSON.parse(run.stdout);
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
