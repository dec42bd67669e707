import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { seedPath, seedSkip } from '../helpers/seeds.js';
import { startHush, tempDir, type RunningHush } from '../helpers/server.js';

/**
 * Every request of the two NetBox seeds (docs/wire/netbox.md, the seeds),
 * sent with real curl. The legacy seed's curl commands run as written, with only the host, token, session key, ids
 * and key file replaced; the plugin seed documents endpoints and JSON bodies, which are sent as written with the
 * placeholders (`-----BEGIN … KEY-----...`, ids like 123) replaced by real values.
 */
const PLUGIN_SEED = seedPath('netbox-secrets-plugin.md');
const LEGACY_SEED = seedPath('netbox-legacy-secrets.md');
const run = promisify(execFile);

async function curl(command: string): Promise<{ status: number; body: any; text: string }> {
  const { stdout } = await run('bash', ['-c', `${command} -sS -w '\\n%{http_code}'`]);
  const lines = stdout.trimEnd().split('\n');
  const status = Number(lines.pop());
  const text = lines.join('\n');
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // plain-text answers stay text
  }
  return { status, body, text };
}

/** `### METHOD /path` headings and "- `METHOD /path`" bullets, each with the JSON block that follows it, if any. */
function pluginRequests(text: string): { method: string; path: string; body?: any }[] {
  const out: { method: string; path: string; body?: any }[] = [];
  const lines = text.split('\n');
  for (const [i, line] of lines.entries()) {
    const m = /^(?:### |- `)(GET|POST|PATCH|PUT|DELETE) (\/\S+?)`?$/.exec(line);
    if (!m) continue;
    let body: any;
    for (let j = i + 1; j < lines.length && !/^#/.test(lines[j]!) && !/^- `/.test(lines[j]!); j++) {
      if (lines[j] === '```json') {
        const end = lines.indexOf('```', j + 1);
        body = JSON.parse(lines.slice(j + 1, end).join('\n'));
        break;
      }
    }
    out.push({ method: m[1]!, path: m[2]!, ...(body ? { body } : {}) });
  }
  const example = /### Create Secret Example\n\n```json\n([\s\S]*?)```/.exec(text);
  if (example) out.push({ method: 'POST', path: '/secrets/', body: JSON.parse(example[1]!) });
  return out;
}

describe('NetBox seeds: every request, with real curl', { skip: seedSkip(PLUGIN_SEED, LEGACY_SEED) }, () => {
  let hush: RunningHush;
  const dir = tempDir('hush-netbox-seed-');
  before(async () => {
    hush = await startHush();
  });
  after(async () => {
    await hush.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('plugin seed (/api/plugins/secrets/)', async () => {
    const requests = pluginRequests(readFileSync(PLUGIN_SEED, 'utf8'));
    assert.ok(requests.length >= 20, `found ${requests.length} requests`);
    const done = new Set<string>();
    const base = `${hush.url}/api/plugins/secrets`;
    let sessionKey = '';
    let pair = { public_key: '', private_key: '' };
    const ids: Record<string, number> = { user: 1 };
    const send = async (
      method: string,
      docPath: string,
      extra: { body?: unknown; query?: string; id?: number; headers?: string[] } = {},
    ) => {
      const doc = requests.find((r) => r.method === method && r.path === docPath);
      assert.ok(doc, `the seed documents ${method} ${docPath}`);
      done.add(`${method} ${docPath}`);
      const urlPath = docPath.replace('{id}', String(extra.id ?? ''));
      let command = `curl -X ${method} '${base}${urlPath}${extra.query ?? ''}' -H 'Authorization: Token ${hush.token}' -H 'Accept: application/json'`;
      for (const h of extra.headers ?? []) command += ` -H '${h}'`;
      const body = extra.body ?? doc.body;
      if (body !== undefined) {
        const file = path.join(dir, `${done.size}.json`);
        writeFileSync(file, JSON.stringify(body));
        command += ` -H 'Content-Type: application/json' --data-binary @${file}`;
      }
      return curl(command);
    };
    const fill = (docBody: any, values: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(docBody).map(([k, v]) => [k, k in values ? values[k] : v]));
    const docBody = (method: string, p: string) =>
      requests.find((r) => r.method === method && r.path === p && r.body)?.body;

    const generated = await send('GET', '/generate-rsa-key-pair/', { query: '?key_size=2048' });
    assert.equal(generated.status, 200);
    pair = generated.body;
    const created = await send('POST', '/user-keys/', {
      body: fill(docBody('POST', '/user-keys/'), { public_key: pair.public_key, user: ids.user }),
    });
    assert.deepEqual([created.status, created.body.is_active], [201, true]);
    ids.key = created.body.id;
    assert.equal((await send('GET', '/user-keys/', { query: '?user_id=1' })).body.count, 1);
    assert.equal((await send('GET', '/user-keys/', { query: '?user=admin' })).body.count, 1);
    assert.equal((await send('GET', '/user-keys/{id}/', { id: ids.key })).status, 200);
    assert.equal(
      (await send('PATCH', '/user-keys/{id}/', { id: ids.key, body: { public_key: pair.public_key } })).status,
      200,
    );

    const session = await send('POST', '/session-key/', {
      body: fill(docBody('POST', '/session-key/'), { private_key: pair.private_key }),
    });
    assert.equal(session.status, 201);
    sessionKey = session.body.session_key;
    assert.equal((await send('GET', '/session-key/')).status, 200);

    const role = await send('POST', '/secret-roles/', { body: { name: 'Login Credentials', slug: 'login-creds' } });
    assert.equal(role.status, 201);
    assert.equal((await send('GET', '/secret-roles/')).body.count, 1);
    assert.equal((await send('GET', '/secret-roles/{id}/', { id: role.body.id })).status, 200);
    assert.equal(
      (await send('PATCH', '/secret-roles/{id}/', { id: role.body.id, body: { description: 'logins' } })).body
        .description,
      'logins',
    );

    const device = await hush.request('POST', '/api/dcim/devices/', { body: { name: 'device-123' } });
    const example = requests.filter((r) => r.method === 'POST' && r.path === '/secrets/' && r.body).at(-1)!.body;
    const secret = await send('POST', '/secrets/', {
      body: { ...example, assigned_object_id: device.body.id, role: role.body.id },
      headers: [`X-Session-Key: ${sessionKey}`],
    });
    assert.equal(secret.status, 201);
    const listed = await send('GET', '/secrets/', { headers: [`X-Session-Key: ${sessionKey}`] });
    assert.deepEqual(
      listed.body.results.map((r: any) => r.plaintext),
      ['SuperSecretPassword'],
    );
    assert.equal((await send('GET', '/secrets/{id}/', { id: secret.body.id })).body.plaintext, null);
    assert.equal(
      (
        await send('PATCH', '/secrets/{id}/', {
          id: secret.body.id,
          body: { plaintext: 'Changed' },
          headers: [`X-Session-Key: ${sessionKey}`],
        })
      ).status,
      200,
    );
    assert.equal((await send('DELETE', '/secrets/{id}/', { id: secret.body.id })).status, 204);
    assert.equal((await send('DELETE', '/secret-roles/{id}/', { id: role.body.id })).status, 204);

    for (const name of ['second', 'third']) {
      const user = await hush.request('POST', '/api/users/users/', { body: { username: name } });
      const kp = await hush.request('GET', '/api/plugins/secrets/generate-rsa-key-pair/');
      await hush.request('POST', '/api/plugins/secrets/user-keys/', {
        body: { public_key: kp.body.public_key, user: user.body.id },
      });
    }
    const activated = await send('POST', '/user-keys/activate/', {
      body: fill(docBody('POST', '/user-keys/activate/'), { private_key: pair.private_key }),
    });
    assert.deepEqual([activated.status, activated.body.activated_count], [200, 3]);
    assert.equal((await send('DELETE', '/user-keys/{id}/', { id: 3 })).status, 204);
    assert.equal((await send('DELETE', '/session-key/')).status, 204);

    const documented = new Set(requests.map((r) => `${r.method} ${r.path}`));
    assert.deepEqual(
      [...documented].filter((r) => !done.has(r)),
      [],
      'every documented request was sent',
    );
  });

  it('legacy seed (/api/secrets/): the curl examples as written', async () => {
    const text = readFileSync(LEGACY_SEED, 'utf8');
    const commands = [...text.matchAll(/^\$ (curl(?:[^\n]*\\\n)*[^\n]*)/gm)].map((m) => m[1]!);
    assert.equal(commands.length, 5);
    const hush = await startHush();
    try {
      const pair = (await hush.request('GET', '/api/secrets/generate-rsa-key-pair/')).body;
      const keyFile = path.join(dir, 'private.pem');
      writeFileSync(keyFile, pair.private_key);
      const token = hush.token;
      assert.equal(
        (await hush.request('POST', '/api/plugins/secrets/user-keys/', { body: { public_key: pair.public_key } })).body
          .is_active,
        true,
      );

      const device = await hush.request('POST', '/api/dcim/devices/', { body: { name: 'MyTestDevice' } });
      const role = await hush.request('POST', '/api/secrets/secret-roles/', {
        body: { name: 'Login Credentials', slug: 'login-creds' },
      });
      const replace = (command: string, values: Record<string, string>) => {
        let c = command
          .replaceAll('http://localhost:8000', hush.url)
          .replaceAll('c639d619ecbeb1f3055c4141ba6870e20572edd7', token)
          .replaceAll('<filename>', keyFile);
        for (const [from, to] of Object.entries(values)) c = c.replaceAll(from, to);
        return c;
      };

      const [getKey, readPlain, readDecrypted, list, create] = commands as [string, string, string, string, string];
      const session = await curl(replace(getKey, {}));
      assert.equal(session.status, 200);
      const sk = session.body.session_key as string;
      const values = {
        'dyEnxlc9lnGzaOAV1dV/xqYPV63njIbdZYOgnAlGPHk=': sk,
        '"device": 1827': `"device": ${device.body.id}`,
        '"role": 1': `"role": ${role.body.id}`,
      };
      const createdSecret = await curl(replace(create, values));
      assert.equal(createdSecret.status, 201);
      // The seed's documented answer, field by field, with its ids replaced: pks for `device` and `role` (NetBox 2.0–2.3's
      // write serializer); the fields NetBox 2.3 added after them follow.
      const documented = JSON.parse(/--data '\{[^\n]*\}'\n(\{[\s\S]*?\n\})\n```/.exec(text)![1]!);
      assert.deepEqual(Object.keys(documented), ['id', 'device', 'role', 'name', 'plaintext']);
      assert.deepEqual(Object.fromEntries(Object.keys(documented).map((k) => [k, createdSecret.body[k]])), {
        ...documented,
        id: createdSecret.body.id,
        device: device.body.id,
        role: role.body.id,
      });
      assert.deepEqual(Object.keys(createdSecret.body).slice(0, 5), Object.keys(documented));
      const withId = { ...values, '2587': String(createdSecret.body.id) };
      const plain = await curl(replace(readPlain, withId));
      assert.equal(plain.status, 200);
      assert.deepEqual(
        [plain.body.plaintext, plain.body.device.name, plain.body.device.display_name, plain.body.role.slug],
        [null, 'MyTestDevice', 'MyTestDevice', 'login-creds'],
      );
      assert.match(plain.body.hash, /^pbkdf2_sha256\$1000\$/);
      // The seed's time forms: `created` a date, `last_updated` with six fraction digits (each digit: any digit).
      const form = (seedValue: string) => new RegExp(`^${seedValue.replace(/\d/g, '\\d').replace('.', '\\.')}$`);
      const documentedRead = /"created": "([^"]+)",\n\s*"last_updated": "([^"]+)"/.exec(text)!;
      assert.match(plain.body.created, form(documentedRead[1]!));
      assert.match(plain.body.last_updated, form(documentedRead[2]!));
      assert.equal((await curl(replace(readDecrypted, withId))).body.plaintext, 'Drowssap1');
      for (const n of ['a', 'b', 'c'])
        await hush.request('POST', '/api/secrets/secrets/', {
          token,
          headers: { 'x-session-key': sk },
          body: { device: device.body.id, role: role.body.id, name: n, plaintext: n },
        });
      const page = await curl(replace(list, withId));
      assert.equal(page.status, 200);
      assert.equal(page.body.next, `${hush.url}/api/secrets/secrets/?limit=3&offset=3`);
      assert.equal(page.body.previous, null);
      assert.ok(page.body.results.every((r: any) => typeof r.plaintext === 'string'));
    } finally {
      await hush.close();
    }
  });
});
