import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { seedPath, seedSkip } from '../helpers/seeds.js';
import { startHush, type RunningHush } from '../helpers/server.js';

/**
 * Every request of the NetActuate seed (docs/wire/lists.md §1-§2), sent with real curl the way
 * NetActuate documents its API (`Authorization: Bearer <key>`, JSON bodies). The seed gives method, path and body;
 * only the host, the token and the path placeholders ({secretList}, {secretListValue}) are replaced.
 */
const SEED = seedPath('netactuate-secret-lists.md');

interface SeedRequest {
  method: string;
  path: string;
  body: string | undefined;
}

/** `• METHOD /path` lines, each with the JSON block that follows it (before the next request), if any. */
function seedRequests(text: string): SeedRequest[] {
  const lines = text.split('\n');
  const requests: SeedRequest[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*•\s+(GET|POST|DELETE)\s+(\/api\/\S+)\s*$/.exec(lines[i]!);
    if (m) {
      requests.push({ method: m[1]!, path: m[2]!, body: undefined });
      continue;
    }
    if (lines[i] === '{' && requests.length) {
      const end = lines.indexOf('}', i);
      requests[requests.length - 1]!.body = lines.slice(i, end + 1).join('\n');
      i = end;
    }
  }
  return requests;
}

describe('NetActuate seed: every request, with real curl', { skip: seedSkip(SEED) }, () => {
  let hush: RunningHush;
  let requests: SeedRequest[];
  before(async () => {
    hush = await startHush();
    requests = seedRequests(readFileSync(SEED, 'utf8'));
  });
  after(() => hush.close());

  const find = (method: string, p: string) => {
    const r = requests.find((x) => x.method === method && x.path === p);
    assert.ok(r, `the seed has no ${method} ${p}`);
    return r;
  };

  async function curl(
    request: SeedRequest,
    places: { secretList?: string; secretListValue?: string } = {},
    body = request.body,
  ) {
    const url =
      hush.url +
      request.path
        .replace('{secretList}', encodeURIComponent(places.secretList ?? ''))
        .replace('{secretListValue}', encodeURIComponent(places.secretListValue ?? ''));
    const args = ['-sS', '-X', request.method, '-H', `Authorization: Bearer ${hush.token}`, '-w', '\n%{http_code}'];
    if (body !== undefined) args.push('-H', 'Content-Type: application/json', '--data-binary', body);
    const { stdout } = await promisify(execFile)('curl', [...args, url]);
    const lines = stdout.split('\n');
    const status = Number(lines.pop());
    const text = lines.join('\n');
    return { status, body: text ? JSON.parse(text) : null };
  }

  it('finds the eleven documented requests', () => {
    assert.equal(requests.length, 11);
    assert.deepEqual(
      requests.filter((r) => r.body).map((r) => `${r.method} ${r.path}`),
      ['POST /api/secrets/lists/{secretList}', 'POST /api/secrets/lists/{secretList}/values'],
    );
  });

  it('runs the reference and the usage guide end to end', async () => {
    // Creating a list: no payload.
    const created = await curl(find('POST', '/api/secrets/lists'));
    assert.equal(created.status, 201);
    const generated = created.body.name as string;
    assert.equal((await curl(find('GET', '/api/secrets/lists'))).body[0].name, generated);
    assert.equal(
      (await curl(find('GET', '/api/secrets/lists/{secretList}'), { secretList: generated })).body.id,
      created.body.id,
    );

    // Renaming with the seed's body as written.
    const renamed = await curl(find('POST', '/api/secrets/lists/{secretList}'), { secretList: generated });
    assert.deepEqual([renamed.status, renamed.body.name], [200, 'new name']);
    const list = 'new name';

    // Adding a value with the seed's body as written: the key "new key" is stored, read back by key and listed, as
    // NetActuate does; a template naming it fails with the reason (a name cannot hold a space). Then it is removed
    // and the flow goes on with the usage guide's own key.
    const addValue = find('POST', '/api/secrets/lists/{secretList}/values');
    const asWritten = await curl(addValue, { secretList: list });
    assert.deepEqual(
      [asWritten.status, asWritten.body.secret_key, asWritten.body.secret_value],
      [201, 'new key', 'new value'],
    );
    const byKey = find('GET', '/api/secrets/lists/{secretList}/values/{secretListValue}');
    const spaced = await curl(byKey, { secretList: list, secretListValue: 'new key' });
    assert.deepEqual([spaced.status, spaced.body.secret_value], [200, 'new value']);
    const unnamable = await curl(
      { method: 'POST', path: '/api/secrets/render', body: undefined },
      {},
      JSON.stringify({ template: 'X=${{secret.new key}}' }),
    );
    assert.deepEqual([unnamable.status, unnamable.body.error.code], [400, 'malformed_references']);
    assert.match(unnamable.body.error.message, /cannot hold spaces/);
    const dropSpaced = find('DELETE', '/api/secrets/lists/{secretList}/values/{secretListValue}');
    assert.equal((await curl(dropSpaced, { secretList: list, secretListValue: 'new key' })).status, 204);
    const added = await curl(addValue, { secretList: list }, addValue.body!.replace('new key', 'API_KEY'));
    assert.deepEqual(
      [added.status, added.body.secret_key, added.body.secret_value, added.body.list],
      [201, 'API_KEY', 'new value', 'new name'],
    );
    // Keys are unique across the account.
    const other = await curl(find('POST', '/api/secrets/lists'));
    const dup = await curl(addValue, { secretList: other.body.name }, addValue.body!.replace('new key', 'API_KEY'));
    assert.deepEqual([dup.status, dup.body.error.list], [409, 'new name']);

    assert.deepEqual(
      (await curl(find('GET', '/api/secrets/all-values'))).body.map((v: any) => v.secret_key),
      ['API_KEY'],
    );
    assert.deepEqual(
      (await curl(find('GET', '/api/secrets/lists/{secretList}/values'), { secretList: list })).body.map(
        (v: any) => v.secret_value,
      ),
      ['new value'],
    );
    const one = await curl(find('GET', '/api/secrets/lists/{secretList}/values/{secretListValue}'), {
      secretList: list,
      secretListValue: 'API_KEY',
    });
    assert.deepEqual([one.status, one.body.secret_value], [200, 'new value']);

    // Updating a value (the seed shows no body; the fields are those of the create).
    const update = find('POST', '/api/secrets/lists/{secretList}/values/{secretListValue}');
    const updated = await curl(
      update,
      { secretList: list, secretListValue: 'API_KEY' },
      '{"secret_value": "rotated value"}',
    );
    assert.deepEqual([updated.status, updated.body.secret_value, updated.body.version], [200, 'rotated value', 2]);

    // Referencing in cloud-init: the guide's own line.
    const rendered = await curl(
      { method: 'POST', path: '/api/secrets/render', body: undefined },
      {},
      JSON.stringify({ template: 'KEY=${{secret.API_KEY}}' }),
    );
    assert.deepEqual([rendered.status, rendered.body], [200, { rendered: 'KEY=rotated value' }]);

    const removedValue = await curl(find('DELETE', '/api/secrets/lists/{secretList}/values/{secretListValue}'), {
      secretList: list,
      secretListValue: 'API_KEY',
    });
    assert.equal(removedValue.status, 204);
    const removedList = await curl(find('DELETE', '/api/secrets/lists/{secretList}'), { secretList: list });
    assert.equal(removedList.status, 204);
    assert.equal((await curl(find('GET', '/api/secrets/lists/{secretList}'), { secretList: list })).status, 404);
  });
});
