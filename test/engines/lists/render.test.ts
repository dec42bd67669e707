import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDialect } from '../../helpers/dialects.js';
import { startHush, type RunningHush } from '../../helpers/server.js';
import { listsAs, listWith, userWithListGrants, type ListsCall } from './helpers.js';

const MANY = 300;

forEachDialect('lists: rendering ${{secret.KEY}}', (dialect) => {
  let hush: RunningHush;
  let call: ListsCall;
  let render: (template: string, c?: ListsCall) => ReturnType<ListsCall>;
  before(async () => {
    hush = await startHush({ databaseUrl: dialect.databaseUrl });
    call = listsAs(hush, hush.token);
    render = (template, c = call) => c('POST', '/api/secrets/render', { template });
    await listWith(call, 'cloud', { API_KEY: 'k-123', DB_PASS: 'p@ss "quoted" $1 ${{secret.API_KEY}}', EMPTY: '' });
    const many: Record<string, string> = {};
    for (let i = 0; i < MANY; i++) many[`MANY_${i}`] = `value-${i}`;
    await listWith(call, 'many', many);
    await listWith(call, 'private', { PRIVATE_KEY: 'private-value' });
  });
  after(() => hush.close());

  it('renders the seed example and answers {"rendered"}', async () => {
    const res = await render('KEY=${{secret.API_KEY}}');
    assert.deepEqual([res.status, res.body], [200, { rendered: 'KEY=k-123' }]);
  });

  it('allows whitespace inside the braces; values are inserted verbatim, never re-rendered', async () => {
    const res = await render(
      'a=${{ secret.API_KEY }} b=${{\tsecret.DB_PASS  }} c=[${{secret.EMPTY}}] ${{secret.API_KEY}}',
    );
    assert.equal(res.body.rendered, 'a=k-123 b=p@ss "quoted" $1 ${{secret.API_KEY}} c=[] k-123');
  });

  it('treats $${{…}} as a literal ${{…}}', async () => {
    const res = await render(
      'lit=$${{secret.API_KEY}} real=${{secret.API_KEY}} dollar=$$${{secret.API_KEY}} $${{ not.even.a.ref',
    );
    assert.equal(
      res.body.rendered,
      'lit=${{secret.API_KEY}} real=k-123 dollar=$${{secret.API_KEY}} ${{ not.even.a.ref',
    );
    assert.equal(
      (await render('no references at all: $ { } {{ }}')).body.rendered,
      'no references at all: $ { } {{ }}',
    );
    assert.equal((await render('')).body.rendered, '');
  });

  it('renders many references in one request: one audit entry naming every value', async () => {
    const lines = [];
    for (let i = 0; i < MANY; i++) lines.push(`L${i}=\${{secret.MANY_${i}}} again=\${{ secret.MANY_${i} }}`);
    const res = await render(lines.join('\n'));
    assert.equal(res.status, 200);
    const out = res.body.rendered.split('\n');
    assert.equal(out.length, MANY);
    for (let i = 0; i < MANY; i += 37) assert.equal(out[i], `L${i}=value-${i} again=value-${i}`);
    const values = (await call('GET', '/api/secrets/lists/many/values')).body as { id: string }[];
    const log = await hush.request('GET', `/api/core/audit-log/?engine=lists&action=value.read&limit=1`);
    const [, rendered] = (await hush.request('GET', `/api/core/audit-log/?engine=lists&action=value.read&limit=2`)).body
      .results;
    assert.equal(log.body.results[0].details.objects.length, MANY, 'the listing just made');
    assert.equal(rendered.details.via, 'render');
    assert.deepEqual([...rendered.details.objects].sort(), values.map((v) => v.id).sort());
    // Searching the log for one value finds the render that revealed it.
    const one = await hush.request('GET', `/api/core/audit-log/?engine=lists&object_id=${values[7]!.id}`);
    assert.ok(one.body.results.some((e: any) => e.details.via === 'render'));
    assert.ok(!JSON.stringify(log.body).includes('value-1'));
  });

  it('fails the whole render on unknown references, naming every one (422), revealing nothing', async () => {
    const res = await render(
      'ok=${{secret.API_KEY}} a=${{secret.NOPE_A}} b=${{ secret.NOPE_B }} a2=${{secret.NOPE_A}} k=${{vault.X}}',
    );
    assert.equal(res.status, 422);
    assert.deepEqual([res.body.error.code, res.body.error.field], ['missing_references', 'template']);
    assert.deepEqual(res.body.error.missing, ['secret.NOPE_A', 'secret.NOPE_B', 'vault.X']);
    assert.match(res.body.error.message, /secret\.NOPE_A, secret\.NOPE_B, vault\.X/);
    assert.ok(!JSON.stringify(res.body).includes('k-123'));
  });

  it('refuses malformed references with 400', async () => {
    for (const template of [
      '${{ API_KEY }}',
      '${{secret.API_KEY',
      '${{ secret.A B }}',
      '${{secret.\nAPI_KEY}}',
      '${{}}',
    ]) {
      const res = await render(template);
      assert.deepEqual([res.status, res.body.error.code], [400, 'malformed_references'], template);
      assert.equal(res.body.error.malformed.length, 1, template);
    }
  });

  it('takes text/plain and answers text/plain', async () => {
    const res = await call('POST', '/api/secrets/render', '#cloud-config\nruncmd:\n  - echo ${{secret.API_KEY}}\n', {
      'content-type': 'text/plain',
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    assert.equal(res.body, '#cloud-config\nruncmd:\n  - echo k-123\n');
    const missing = await call('POST', '/api/secrets/render', 'x=${{secret.NOPE}}', { 'content-type': 'text/plain' });
    assert.deepEqual([missing.status, missing.body.error.missing], [422, ['secret.NOPE']]);
  });

  it('renders a 1 MB template (JSON and text/plain); refuses a larger one', async () => {
    const line = 'echo "${{secret.API_KEY}}" >> /etc/app.env # padding padding padding padding padding\n';
    const template = line.repeat(Math.floor((1024 * 1024) / line.length)).padEnd(1024 * 1024, '#');
    assert.equal(template.length, 1024 * 1024);
    const json = await render(template);
    assert.equal(json.status, 200);
    assert.equal(json.body.rendered, template.replaceAll('${{secret.API_KEY}}', 'k-123'));
    const text = await call('POST', '/api/secrets/render', template, { 'content-type': 'text/plain' });
    assert.equal(text.status, 200);
    assert.equal(text.body.length, json.body.rendered.length);
    const tooBig = await render(template + 'x');
    assert.equal(tooBig.status, 400);
    assert.equal(tooBig.body.error.field, 'template');
  });

  it('treats a list the caller may not view like a missing one; a read-only token may render', async () => {
    const cloud = (await call('GET', '/api/secrets/lists/cloud')).body;
    const token = await userWithListGrants(hush, 'renderer', [{ actions: ['view'], listId: cloud.id }], {
      writeEnabled: false,
    });
    const reader = listsAs(hush, token);
    assert.deepEqual((await render('k=${{secret.API_KEY}}', reader)).body, { rendered: 'k=k-123' });
    const hidden = await render('k=${{secret.API_KEY}} p=${{secret.PRIVATE_KEY}}', reader);
    assert.deepEqual([hidden.status, hidden.body.error.missing], [422, ['secret.PRIVATE_KEY']]);
    const nobody = listsAs(hush, await userWithListGrants(hush, 'nobody', []));
    const none = await render('k=${{secret.API_KEY}}', nobody);
    assert.deepEqual([none.status, none.body.error.missing], [422, ['secret.API_KEY']]);
    assert.deepEqual((await render('no refs', nobody)).body, { rendered: 'no refs' });
    assert.equal(
      (await hush.request('POST', '/api/secrets/render', { token: null, body: { template: 'x' } })).status,
      401,
    );
  });

  it('refuses bodies without a template', async () => {
    for (const body of [{}, { template: { a: 1 } }, { tmpl: 'x' }]) {
      const res = await call('POST', '/api/secrets/render', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, 'invalid');
    }
    assert.equal((await call('POST', '/api/secrets/render')).status, 400);
  });
});
