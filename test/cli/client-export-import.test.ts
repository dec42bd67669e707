import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse as parseDotenv } from 'dotenv';
import { parse as parseYaml } from 'yaml';
import { startClientFixture, type ClientFixture } from './client-helpers.js';

/** Values that break naive quoting: quotes of every kind, line breaks, `$`, backslashes, `#`, blanks. */
const TRICKY: Record<string, string> = {
  PLAIN: 'hello',
  SINGLE: "it's",
  DOUBLE: 'say "hi"',
  BOTH: `it's "both"`,
  BACKTICK_SINGLE: "a`b'c",
  MULTILINE: 'line one\nline two\n  indented\n',
  DOLLARS: '$HOME ${HOME} $(whoami) `id` $$',
  BACKSLASHES: 'C:\\new\\table \\n not a newline',
  HASH: 'a#b # not a comment',
  SPACES: '  padded  ',
  EMPTY: '',
  EQUALS: 'a=b=c',
  UNICODE: 'pässwörd ✓ 秘密',
  JSONISH: '{"k": [1, "two"]}',
  YAMLISH: 'yes',
  PEM: '-----BEGIN KEY-----\nMIIB\'x"y\n-----END KEY-----\n',
};

const ODD = 'it\'s "all" `three`';

describe('hush export and hush import', () => {
  let f: ClientFixture;
  const at = ['--app', 'shop', '--env', 'development'];
  before(async () => {
    f = await startClientFixture();
    await f.login();
    const app = await f.createApp('shop');
    const res = await f.api('POST', `/v1/secrets/?app_id=${app.id}&env=development`, {
      secrets: Object.entries(TRICKY).map(([key, value]) => ({ key, value })),
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    // All three quote characters at once: no exact dotenv form.
    await f.api('POST', `/v1/secrets/?app_id=${app.id}&env=development`, {
      secrets: [{ key: 'ODD', value: ODD, path: '/odd' }],
    });
  });
  after(() => f.close());

  const exported = async (format: string, extra: string[] = []) => {
    const r = await f.hush(['export', ...at, '--path', '/', '--format', format, ...extra]);
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  };

  it('dotenv: the dotenv package parses the output back to the exact values', async () => {
    assert.deepEqual(parseDotenv(await exported('dotenv')), TRICKY);
  });

  it('json, yaml and k8s-secret round-trip through their parsers', async () => {
    assert.deepEqual(JSON.parse(await exported('json')), TRICKY);
    assert.deepEqual(parseYaml(await exported('yaml')), TRICKY);
    const secret = parseYaml(await exported('k8s-secret', ['--namespace', 'web']));
    assert.deepEqual(
      [secret.apiVersion, secret.kind, secret.type, secret.metadata],
      ['v1', 'Secret', 'Opaque', { name: 'shop-development', namespace: 'web' }],
    );
    assert.deepEqual(
      Object.fromEntries(
        Object.entries(secret.data as Record<string, string>).map(([k, v]) => [
          k,
          Buffer.from(v, 'base64').toString('utf8'),
        ]),
      ),
      TRICKY,
    );
  });

  it('shell: sourced by sh, every variable holds the exact value', async () => {
    const script = `${await exported('shell')}\nexec "${process.execPath}" -e 'console.log(JSON.stringify(Object.fromEntries(${JSON.stringify(Object.keys(TRICKY))}.map((k) => [k, process.env[k]]))))'`;
    assert.deepEqual(
      JSON.parse(execFileSync('sh', ['-c', script], { encoding: 'utf8', env: { PATH: process.env.PATH } })),
      TRICKY,
    );
  });

  it('writes a 0600 file with -o, and refuses what a format cannot hold exactly', async () => {
    const file = path.join(f.dir, 'out.env');
    assert.equal((await f.hush(['export', ...at, '--path', '/', '-o', file])).status, 0);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(parseDotenv(fs.readFileSync(file, 'utf8')), TRICKY);
    const odd = await f.hush(['export', ...at, '--path', '/odd']);
    assert.equal(odd.status, 1);
    assert.match(odd.stderr, /the value of ODD cannot be written exactly in dotenv .*use --format json/);
    assert.equal(JSON.parse((await f.hush(['export', ...at, '--path', '/odd', '--format', 'json'])).stdout).ODD, ODD);
    assert.equal((await f.hush(['export', ...at, '--format', 'toml'])).status, 1);
  });

  it('imports its own dotenv and JSON exports into another environment unchanged', async () => {
    const file = path.join(f.dir, 'tricky.env');
    fs.writeFileSync(file, await exported('dotenv'));
    const staging = ['--app', 'shop', '--env', 'staging'];
    const r = await f.hush(['import', file, ...staging]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`${Object.keys(TRICKY).length} created, 0 updated, 0 unchanged`));
    assert.deepEqual(JSON.parse((await f.hush(['export', ...staging, '--format', 'json'])).stdout), TRICKY);
    const json = path.join(f.dir, 'list.json');
    fs.writeFileSync(json, (await f.hush(['secrets', 'list', ...at, '--json'])).stdout);
    const again = await f.hush(['import', json, '--app', 'shop', '--env', 'production']);
    assert.equal(again.status, 0, again.stderr);
    assert.equal((await f.hush(['secrets', 'get', 'ODD', '--app', 'shop', '--env', 'production'])).stdout, `${ODD}\n`);
  });

  it('imports 5,000 lines all or nothing, with a dry run that shows what would change', async () => {
    const env = ['--app', 'shop', '--env', 'production'];
    const existing = (await f.api('GET', '/v1/apps/')).body.data[0].id as string;
    await f.api('POST', `/v1/secrets/?app_id=${existing}&env=production`, {
      secrets: Array.from({ length: 20 }, (_, i) => ({ key: `BULK_${i}`, value: i < 10 ? `value-${i}` : 'old' })),
    });
    const lines = Array.from({ length: 5000 }, (_, i) => `BULK_${i}="value-${i}"`);
    const before = (await f.api('GET', `/v1/secrets/?app_id=${existing}&env=production`)).body.length as number;

    // A line the parser refuses: nothing is sent.
    const broken = path.join(f.dir, 'broken.env');
    fs.writeFileSync(broken, [...lines.slice(0, 3999), 'this is not an assignment', ...lines.slice(4000)].join('\n'));
    const parseError = await f.hush(['import', broken, ...env]);
    assert.equal(parseError.status, 1);
    assert.match(parseError.stderr, /broken\.env:4000: expected KEY=VALUE/);

    // An entry the server refuses (value too long) at line 2,500: the whole file is refused, the line named.
    const tooLong = path.join(f.dir, 'too-long.env');
    fs.writeFileSync(
      tooLong,
      [...lines.slice(0, 2499), `BULK_2499=${'x'.repeat(70_000)}`, ...lines.slice(2500)].join('\n'),
    );
    const refused = await f.hush(['import', tooLong, ...env]);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /too-long\.env:2500 \(BULK_2499\): 'value' must be at most 65536 characters/);
    assert.equal((await f.api('GET', `/v1/secrets/?app_id=${existing}&env=production`)).body.length, before);

    const good = path.join(f.dir, 'good.env');
    fs.writeFileSync(good, `# five thousand keys\n${lines.join('\n')}\n`);
    const dry = await f.hush(['import', good, ...env, '--dry-run']);
    assert.equal(dry.status, 0, dry.stderr);
    assert.match(
      dry.stdout,
      /dry run: would create 4980, update 10, leave 10 unchanged in shop\/Production; nothing was changed/,
    );
    assert.match(dry.stdout, /update\s+│ BULK_10 /);
    assert.equal(
      (await f.api('GET', `/v1/secrets/?app_id=${existing}&env=production&key=BULK_10`)).body[0].value,
      'old',
    );

    const done = await f.hush(['import', good, ...env, '--progress']);
    assert.equal(done.status, 0, done.stderr);
    assert.match(done.stdout, /imported into shop\/Production: 4980 created, 10 updated, 10 unchanged/);
    assert.match(done.stderr, /import .*100% \| done/);
    assert.ok(!done.stdout.includes('value-') && !done.stderr.includes('value-'));
    const after = (await f.api('GET', `/v1/secrets/?app_id=${existing}&env=production`)).body as {
      key: string;
      value: string;
    }[];
    assert.equal(after.length, before + 4980);
    assert.equal(after.find((s) => s.key === 'BULK_4999')!.value, 'value-4999');
  });
});
