import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { runHush } from '../helpers/process.js';
import { userWithGrants } from '../helpers/users.js';
import { startClientFixture, type ClientFixture } from './client-helpers.js';

describe('hush login, whoami, logout', () => {
  let f: ClientFixture;
  before(async () => {
    f = await startClientFixture();
  });
  after(() => f.close());

  it('refuses an unreachable server (exit 3) and a bad token (exit 4) without saving anything', async () => {
    const down = await f.hush(['login', '--url', 'http://127.0.0.1:9', '--token', 'a'.repeat(40)]);
    assert.equal(down.status, 3, down.stderr);
    assert.match(down.stderr, /cannot reach the Hush server at http:\/\/127\.0\.0\.1:9 .*is it running\?/);
    const bad = await f.hush(['login', '--url', f.server.url, '--token-stdin'], {}, 'f'.repeat(40));
    assert.equal(bad.status, 4, bad.stderr);
    assert.match(bad.stderr, /refused the token \(Invalid token\): log in again with "hush login/);
    assert.ok(!fs.existsSync(f.configFile));
    const none = await f.hush(['whoami']);
    assert.equal(none.status, 4);
    assert.match(none.stderr, /no Hush server configured: run "hush login --url URL" or set HUSH_URL/);
    assert.equal((await f.hush(['login', '--url', 'ftp://x'])).status, 1);
  });

  it('stores the server and token in a 0600 file, and whoami names the owner', async () => {
    await f.login();
    assert.equal(fs.statSync(f.configFile).mode & 0o777, 0o600);
    assert.deepEqual(JSON.parse(fs.readFileSync(f.configFile, 'utf8')), { url: f.server.url, token: f.token });
    const who = await f.hush(['whoami']);
    assert.equal(who.status, 0, who.stderr);
    assert.match(
      who.stdout,
      /^admin \(person, superuser\) on http:\/\/127\.0\.0\.1:\d+\ntoken \*\*\*\*\w{4} ".*": read-write, never expires \(from the config file\)/,
    );
    assert.ok(!who.stdout.includes(f.token));
  });

  it('lets HUSH_TOKEN and HUSH_URL override the stored login', async () => {
    const bot = await userWithGrants(f.api, 'ci-bot', [], {
      user: { kind: 'service' },
      token: { write_enabled: false },
    });
    const who = await f.hush(['whoami', '--json'], { HUSH_TOKEN: bot.token });
    assert.equal(who.status, 0, who.stderr);
    const me = JSON.parse(who.stdout);
    assert.deepEqual([me.user.username, me.user.kind, me.token.write_enabled], ['ci-bot', 'service', false]);
    assert.equal((await f.hush(['whoami'], { HUSH_URL: 'http://127.0.0.1:9' })).status, 3);
  });

  it('logs out, revoking the token on request', async () => {
    const key = (await userWithGrants(f.api, 'leaver')).token;
    assert.equal((await f.hush(['login', '--url', f.server.url, '--token', key])).status, 0);
    const out = await f.hush(['logout', '--revoke']);
    assert.equal(out.status, 0, out.stderr);
    assert.match(out.stdout, /revoked token/);
    assert.ok(!fs.existsSync(f.configFile));
    assert.equal((await f.hush(['whoami'], { HUSH_URL: f.server.url, HUSH_TOKEN: key })).status, 4);
    assert.match((await f.hush(['logout'])).stdout, /not logged in/);
  });

  it('documents every client command with an example, and prints bash completion', async () => {
    const top = await runHush(['--help']);
    for (const cmd of [
      'login',
      'whoami',
      'logout',
      'apps',
      'secrets',
      'run',
      'export',
      'import',
      'render',
      'lists',
      'completion',
    ]) {
      assert.ok(top.stdout.includes(`hush ${cmd}`) || top.stdout.includes(`<(hush ${cmd}`), `example of ${cmd}`);
      const help = await runHush([cmd, '--help']);
      assert.equal(help.status, 0, cmd);
      assert.match(help.stdout, /Examples?:/, cmd);
    }
    assert.match(top.stdout, /Exit codes:\n {2}0 {2}success/);
    for (const sub of [['secrets', 'set'], ['lists', 'values'], ['import']])
      assert.match((await runHush([...sub, '--help'])).stdout, /Examples?:/);
    const bash = await runHush(['completion', 'bash']);
    assert.equal(bash.status, 0);
    assert.match(bash.stdout, /"hush secrets"\) words="list get set delete/);
    const check = runHushScript(
      `${bash.stdout}\nCOMP_WORDS=(hush secrets s); COMP_CWORD=2; _hush_complete; echo "\${COMPREPLY[@]}"`,
    );
    assert.equal(check.trim(), 'set');
    assert.match((await runHush(['completion', 'zsh'])).stdout, /^#compdef hush/);
    assert.equal((await runHush(['completion', 'fish'])).status, 1);
  });
});

function runHushScript(script: string): string {
  return execFileSync('bash', ['-c', script], { encoding: 'utf8' });
}
