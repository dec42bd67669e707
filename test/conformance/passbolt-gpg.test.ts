import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import { after, before, it } from 'node:test';
import { gpg } from '../helpers/gpg.js';
import { forEachDialect } from '../helpers/dialects.js';
import { startHush, tempDir, type RunningHush } from '../helpers/server.js';
import { createResource, generateKeyPair, passboltUser, type PbUser } from '../engines/passbolt/helpers.js';

const exec = promisify(execFile);

// The seed's own check (docs/wire/passbolt.md §3): `echo "<data>" | gpg -d` prints the password.
const pair = generateKeyPair('gpg-user');

forEachDialect('passbolt seed: a fetched secret decrypts with Debian gpg', (dialect) => {
  let hush: RunningHush;
  let user: PbUser;
  let home: string;
  before(async () => {
    hush = await startHush({ databaseUrl: dialect.databaseUrl });
    user = await passboltUser(hush, 'gpguser', await pair);
    home = tempDir('hush-gnupg-');
    fs.chmodSync(home, 0o700);
    const imported = await gpg(home, ['--import'], user.privateKey);
    assert.equal(imported.code, 0, imported.stderr);
  });
  after(async () => {
    await hush.close();
    await exec('gpgconf', ['--homedir', home, '--kill', 'all']).catch(() => undefined);
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('pipes GET /secrets/resource/{id}.json data into gpg --decrypt and gets the plaintext', async () => {
    const id = await createResource(user, 'apache', 'hello');
    const res = await user.call('GET', `/secrets/resource/${id}.json?api-version=v2`);
    assert.equal(res.status, 200);
    const out = await gpg(home, ['--decrypt'], res.body.body.data);
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stdout, 'hello');
  });

  it('accepts a secret encrypted by gpg itself, and refuses one gpg encrypted symmetrically', async () => {
    const fingerprint = (await user.call('GET', '/users/me.json')).body.body.gpgkey.fingerprint;
    const enc = await gpg(
      home,
      ['--armor', '--trust-model', 'always', '--encrypt', '--recipient', fingerprint],
      'from gpg',
    );
    assert.equal(enc.code, 0, enc.stderr);
    const created = await user.call('POST', '/resources.json', { name: 'gpg-made', secrets: [{ data: enc.stdout }] });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const back = await user.call('GET', `/secrets/resource/${created.body.body.id}.json`);
    assert.equal((await gpg(home, ['--decrypt'], back.body.body.data)).stdout, 'from gpg');

    const sym = await gpg(home, ['--armor', '--symmetric', '--passphrase', 'pw'], 'x');
    const refused = await user.call('POST', '/resources.json', { name: 'sym', secrets: [{ data: sym.stdout }] });
    assert.equal(refused.status, 400);
    assert.ok(refused.body.body.secrets['0'].data.hasAsymmetricPacketRule);
  });
});
