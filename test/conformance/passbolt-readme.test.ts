import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import * as openpgp from 'openpgp';
import { runHush, runProcess } from '../helpers/process.js';
import { startHush, tempDir, type RunningHush } from '../helpers/server.js';
import { userWithGrants } from '../helpers/users.js';
import { generateKeyPair } from '../engines/passbolt/helpers.js';

/**
 * The README's Passbolt script flow, run as written with bash, real curl, jq and Debian's gpg, after registering
 * one key with `hush admin passbolt key-set` and the other with the README's own curl line.
 */
const README = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../README.md');

function block(after: string): string {
  const text = fs.readFileSync(README, 'utf8');
  const start = text.indexOf(after);
  const code = /```sh\n([\s\S]*?)```/.exec(text.slice(start));
  assert.ok(start >= 0 && code, `no code block after "${after}"`);
  return code[1]!;
}

// Run without blocking this process's event loop: the server under test lives in it.
const sh = (script: string, env: Record<string, string>, input?: string) =>
  runProcess('bash', ['-euo', 'pipefail', '-c', script], { env: { ...process.env, ...env }, input });
const hushCli = (args: string[], input?: string) => runHush(args, { HUSH_LOG_LEVEL: 'silent' }, input);

describe('README Passbolt flow with curl, jq and gpg', () => {
  let hush: RunningHush;
  let home: string;
  let env: Record<string, string>;
  before(async () => {
    hush = await startHush();
    home = tempDir('hush-gnupg-');
    fs.chmodSync(home, 0o700);
    const [alice, bob] = [await generateKeyPair('alice'), await generateKeyPair('bob')];
    env = { GNUPGHOME: home, U: hush.url };
    assert.equal((await sh('gpg --batch --import', env, alice.privateKey + bob.publicKey)).status, 0);
    // Alice's own key is trusted as if she had made it with gpg.
    const fpr = (await openpgp.readKey({ armoredKey: alice.publicKey })).getFingerprint().toUpperCase();
    assert.equal((await sh('gpg --batch --import-ownertrust', env, `${fpr}:6:\n`)).status, 0);
    for (const username of ['alice', 'bob']) {
      env[`${username.toUpperCase()}_TOKEN`] = (await userWithGrants(hush, username)).token;
    }
    env.TOKEN = env.ALICE_TOKEN!;
    fs.writeFileSync(path.join(home, 'bob.pub.asc'), bob.publicKey);
  });
  after(async () => {
    await hush.close();
    spawnSync('gpgconf', ['--homedir', home, '--kill', 'all']);
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('registers keys both ways, then creates, reads with gpg --decrypt, shares, lists holders and deletes', async () => {
    const exported = (await sh('gpg --export --armor alice@example.com', env)).stdout;
    const set = await hushCli(['admin', 'passbolt', 'key-set', 'alice', '-', '--data-dir', hush.dataDir], exported);
    assert.equal(set.status, 0, set.stderr);
    // Bob's own registration, the README's curl line with his token and key file.
    const register = block('replaced by either of:')
      .split('\n')
      .filter((l) => l.startsWith('curl') || l.startsWith('  -H'));
    const bobLine = register
      .join('\n')
      .replace(/\$ALICE_TOKEN/g, '$BOB_TOKEN')
      .replace('alice.pub.asc', `${home}/bob.pub.asc`);
    const reg = await sh(bobLine, env);
    assert.equal(reg.status, 0, reg.stderr);
    assert.equal(JSON.parse(reg.stdout).header.status, 'success', reg.stdout);
    const listed = await hushCli(['admin', 'passbolt', 'users', '--data-dir', hush.dataDir]);
    assert.match(listed.stdout, /alice/);
    assert.match(listed.stdout, /bob/);

    // Only the host changes: the README talks to the default port.
    const flow = await sh(block('A script authenticates with').replace('U=http://127.0.0.1:8000;', ''), env);
    assert.equal(flow.status, 0, flow.stderr + flow.stdout);
    assert.match(flow.stdout, /hunter2/);
    assert.match(flow.stdout, /"added":\[\{"User":\{"id":"[0-9a-f-]{36}"\}\}\]/);
  });

  it('left the trail in the audit log: created, read, shared to bob, deleted', async () => {
    const log = await hush.request('GET', '/api/core/audit-log/?engine=passbolt&limit=100');
    const actions = new Set(log.body.results.map((e: any) => e.action));
    for (const a of ['gpgkey.create', 'resource.create', 'secret.read', 'resource.share', 'resource.delete'])
      assert.ok(actions.has(a), a);
  });
});
