import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startClientFixture, type ClientFixture } from './client-helpers.js';

/**
 * `hush lists …` and `hush render` against the secret lists engine (issue 6). A build without that engine skips
 * this file with the reason (the commands exist either way); with it, every test runs.
 */
describe('hush lists and hush render', () => {
  let f: ClientFixture;
  let skip: string | false = false;
  before(async () => {
    f = await startClientFixture();
    await f.login();
    const status = await f.api('GET', '/api/status/');
    if (!(status.body.engines as string[]).includes('lists')) skip = 'the secret lists engine is not in this build';
  });
  after(() => f.close());

  it('creates, lists and renames lists; a taken name is a conflict (exit 7)', async (t) => {
    if (skip) return t.skip(skip);
    assert.match((await f.hush(['lists', 'create', 'web-servers'])).stdout, /created list "web-servers"/);
    const generated = await f.hush(['lists', 'create']);
    assert.equal(generated.status, 0, generated.stderr);
    assert.match(generated.stdout, /created list "list-/);
    assert.equal((await f.hush(['lists', 'create', 'db'])).status, 0);
    const taken = await f.hush(['lists', 'rename', 'web-servers', 'db']);
    assert.equal(taken.status, 7);
    assert.match(taken.stderr, /already exists/);
    assert.match(
      (await f.hush(['lists', 'rename', 'web-servers', 'web-tier'])).stdout,
      /renamed list "web-servers" to "web-tier"/,
    );
    const table = await f.hush(['lists']);
    assert.equal(table.status, 0, table.stderr);
    assert.match(table.stdout, /web-tier/);
    assert.deepEqual(
      (JSON.parse((await f.hush(['lists', 'list', '--json'])).stdout) as { name: string }[])
        .map((l) => l.name)
        .sort()
        .filter((n) => !n.startsWith('list-')),
      ['db', 'web-tier'],
    );
    const none = await f.hush(['lists', 'rename', 'nope', 'x']);
    assert.equal(none.status, 6);
    assert.match(none.stderr, /no secret list "nope": "hush lists" shows the lists/);
  });

  it('sets, gets, lists and deletes values', async (t) => {
    if (skip) return t.skip(skip);
    const set = await f.hush(
      ['lists', 'values', 'set', 'web-tier', 'API_KEY=abc 123', 'DB_PASS=-'],
      {},
      'p@ss "quoted" $1\n',
    );
    assert.equal(set.status, 0, set.stderr);
    assert.equal(set.stdout, 'created API_KEY in web-tier\ncreated DB_PASS in web-tier\n');
    assert.equal(
      (await f.hush(['lists', 'values', 'set', 'web-tier', 'API_KEY=new-key'])).stdout,
      'updated API_KEY in web-tier\n',
    );
    assert.equal((await f.hush(['lists', 'values', 'get', 'web-tier', 'API_KEY'])).stdout, 'new-key\n');
    assert.equal((await f.hush(['lists', 'values', 'get', 'web-tier', 'DB_PASS'])).stdout, 'p@ss "quoted" $1\n');
    assert.equal(
      JSON.parse((await f.hush(['lists', 'values', 'get', 'web-tier', 'API_KEY', '--json'])).stdout).version,
      2,
    );
    const masked = await f.hush(['lists', 'values', 'list', 'web-tier']);
    assert.match(masked.stdout, /API_KEY.*••••••••/);
    assert.ok(!masked.stdout.includes('new-key'));
    assert.match((await f.hush(['lists', 'values', 'list', 'web-tier', '--reveal'])).stdout, /new-key/);
    const clash = await f.hush(['lists', 'values', 'set', 'db', 'API_KEY=x']);
    assert.equal(clash.status, 7, clash.stderr);
    const bad = await f.hush(['lists', 'values', 'set', 'db', 'not a key=x']);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /"not a key" is not a valid key: use letters, digits and "_" only/);
    assert.equal((await f.hush(['lists', 'values', 'get', 'web-tier', 'NOPE'])).status, 6);
    assert.equal((await f.hush(['lists', 'values', 'get', 'nope', 'API_KEY'])).status, 6);
    assert.equal((await f.hush(['lists', 'values', 'set', 'db', 'TEMP=1'])).status, 0);
    assert.equal((await f.hush(['lists', 'values', 'delete', 'db', 'TEMP'])).stdout, 'deleted TEMP from db\n');
    assert.equal((await f.hush(['lists', 'values', 'get', 'db', 'TEMP'])).status, 6);
  });

  it('renders a template to stdout or to a 0600 file; a missing reference renders nothing and names it', async (t) => {
    if (skip) return t.skip(skip);
    const template = path.join(f.dir, 'cloud-init.yaml');
    fs.writeFileSync(
      template,
      '#cloud-config\nkey: ${{secret.API_KEY}}\npass: ${{ secret.DB_PASS }}\nliteral: $${{secret.API_KEY}}\n',
    );
    const r = await f.hush(['render', template]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '#cloud-config\nkey: new-key\npass: p@ss "quoted" $1\nliteral: ${{secret.API_KEY}}\n');
    const out = path.join(f.dir, 'user-data');
    assert.equal((await f.hush(['render', template, '-o', out])).status, 0);
    assert.equal(fs.statSync(out).mode & 0o777, 0o600);
    assert.equal(fs.readFileSync(out, 'utf8'), r.stdout);
    assert.equal((await f.hush(['render', '-'], {}, 'KEY=${{secret.API_KEY}}')).stdout, 'KEY=new-key');
    const missing = await f.hush(
      ['render', '-'],
      {},
      'a=${{secret.API_KEY}} b=${{secret.NOPE_ONE}} c=${{secret.NOPE_TWO}}',
    );
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /NOPE_ONE/);
    assert.match(missing.stderr, /NOPE_TWO/);
    assert.equal(missing.stdout, '');
  });

  it('deletes a list with its values', async (t) => {
    if (skip) return t.skip(skip);
    assert.equal((await f.hush(['lists', 'delete', 'web-tier'])).stdout, 'deleted list "web-tier" and its values\n');
    assert.equal((await f.hush(['lists', 'values', 'list', 'web-tier'])).status, 6);
    assert.equal((await f.hush(['render', '-'], {}, '${{secret.API_KEY}}')).status, 1);
  });
});
