import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { seedPath, seedSkip } from '../helpers/seeds.js';
import { startHush, type RunningHush } from '../helpers/server.js';
import { createApp, phaseAs } from '../engines/phase/helpers.js';

/**
 * The cURL examples of the Phase seed (docs/wire/phase.md, the seed), run with real curl. Only the host,
 * the token and the ids the examples carry (an app and a secret of the documentation's own instance) are replaced.
 */
const SEED = seedPath('phase-secrets.mdx');
const DOC_APP = '72b9ddd5-8fce-49ab-89d9-c431d53a9552';
const DOC_PUT_ID = 'f8621d1a-6903-4b60-8e8d-2085a2475871';
const DOC_DELETE_ID = 'fad9b534-792a-425b-bfa6-00c26a60f36d';

function curlExamples(text: string): Map<string, string> {
  const blocks = [...text.matchAll(/```fish \{\{ title: 'cURL' \}\}\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());
  const byMethod = new Map<string, string>();
  for (const b of blocks) byMethod.set(/--request (\w+)/.exec(b)?.[1] ?? (b.includes('--data') ? 'POST' : 'GET'), b);
  return byMethod;
}

describe('Phase seed: every cURL example, as written', { skip: seedSkip(SEED) }, () => {
  let hush: RunningHush;
  let appId: string;
  let examples: Map<string, string>;
  before(async () => {
    hush = await startHush();
    appId = (await createApp(phaseAs(hush, hush.token))).id;
    examples = curlExamples(readFileSync(SEED, 'utf8'));
  });
  after(() => hush.close());

  const run = async (method: string, ids: Record<string, string> = {}) => {
    let command = examples.get(method)!;
    assert.ok(command, `no ${method} example`);
    command = command
      .replaceAll('https://api.phase.dev', hush.url)
      .replaceAll('{token}', hush.token)
      .replaceAll(DOC_APP, appId);
    for (const [from, to] of Object.entries(ids)) command = command.replaceAll(from, to);
    // Non-interactive output: the body, then the status on its own line.
    const { stdout } = await promisify(execFile)('bash', ['-c', `${command} -sS -w '\\n%{http_code}'`]);
    const lines = stdout.trimEnd().split('\n');
    return { status: Number(lines.pop()), body: JSON.parse(lines.join('\n')) };
  };

  it('finds the four examples', () => assert.deepEqual([...examples.keys()].sort(), ['DELETE', 'GET', 'POST', 'PUT']));

  it('POST, GET (filters), PUT, DELETE', async () => {
    const created = await run('POST');
    assert.equal(created.status, 200);
    assert.deepEqual(
      [created.body[0].key, created.body[0].path, created.body[0].override.value],
      ['DB_NAME', '/backend', 'postgres-dev'],
    );
    // Times have the seed's form (six fraction digits, `Z`): each digit of the seed's own time stands for any digit.
    const seedTime = /"createdAt": "([^"]+)"/.exec(readFileSync(SEED, 'utf8'))![1]!;
    const shape = new RegExp(`^${seedTime.replace(/\d/g, '\\d').replace('.', '\\.')}$`);
    for (const t of [created.body[0], created.body[0].override])
      for (const f of ['createdAt', 'updatedAt']) assert.match(t[f], shape, f);
    const id = created.body[0].id as string;
    await hush.request('POST', `/v1/secrets/?app_id=${appId}&env=development`, {
      token: null,
      headers: { authorization: `Bearer ${hush.token}` },
      body: { secrets: [{ key: 'DEBUG', value: 'on', path: '/backend', tags: ['aws'] }] },
    });
    const listed = await run('GET');
    assert.equal(listed.status, 200);
    assert.deepEqual(
      listed.body.map((s: any) => [s.key, s.value]),
      [['DEBUG', 'on']],
    );
    const updated = await run('PUT', { [DOC_PUT_ID]: id });
    assert.equal(updated.status, 200);
    assert.deepEqual(
      [updated.body[0].key, updated.body[0].path, updated.body[0].version],
      ['DB_NAME_POSTGRES', '/backend/db', 2],
    );
    assert.match(updated.body[0].updatedAt, shape);
    const deleted = await run('DELETE', { [DOC_DELETE_ID]: id });
    assert.deepEqual([deleted.status, deleted.body], [200, { message: 'Deleted 1 secret' }]);
  });
});
