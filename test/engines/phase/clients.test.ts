import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, it } from 'node:test';
import { forEachDialect } from '../../helpers/dialects.js';
import { startHush, type RunningHush } from '../../helpers/server.js';
import { phaseClient, type ClientName } from './clients.js';
import { createApp, phaseAs, type PhaseCall } from './helpers.js';

// Phase's CLI (Go), golang-sdk, python-sdk and Kubernetes operator against Hush, request by request as each sends
// them (README "Phase's clients"; the requests are built in clients.ts).
const DYNAMIC = 'Dynamic secrets are not supported by this server';

forEachDialect("Phase's own clients", (dialect) => {
  let hush: RunningHush;
  let admin: PhaseCall;
  let app: { id: string; envs: Record<string, string> };

  async function mint(user: string): Promise<string> {
    const res = await admin('POST', '/v1/tokens/', { user });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.token as string;
  }
  const v1 = (env: string) => `/v1/secrets/?app_id=${app.id}&env=${env}`;
  const stored = async (env: string) =>
    new Map(((await admin('GET', v1(env))).body as any[]).map((s) => [s.key as string, s]));

  before(async () => {
    hush = await startHush({ databaseUrl: dialect.databaseUrl });
    admin = phaseAs(hush, hush.token);
    app = await createApp(admin, 'shop-backend');
    for (const [username, kind] of [
      ['alice', 'person'],
      ['deploy-bot', 'service'],
    ] as const) {
      const user = await hush.request('POST', '/api/users/users/', { body: { username, kind } });
      for (const [type, actions] of [
        ['phase.app', ['view']],
        ['phase.secret', ['view', 'add', 'change', 'delete']],
      ] as const) {
        await hush.request('POST', '/api/users/permissions/', {
          body: { name: `${username}-${type}`, object_types: [type], actions, users: [user.body.id] },
        });
      }
    }
  });
  after(() => hush.close());

  for (const [name, who] of [
    ['go', 'alice'],
    ['go', 'deploy-bot'],
    ['python', 'alice'],
    ['python', 'deploy-bot'],
  ] as [ClientName, string][]) {
    it(`${name} client as ${who}: tokens, create, list (all, by path, by key digest), update, delete`, async () => {
      const client = phaseClient(hush, await mint(who), name);
      const person = who === 'alice';
      // An environment of its own per test, so that the tests cannot see each other's secrets.
      const env = `${name}-${who}`;
      const made = await admin('POST', `/v1/environments/?app_id=${app.id}`, { name: env });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      const user = await client.tokens();
      assert.equal(user.status, 200, JSON.stringify(user.body));
      // The answer fields both clients decode (misc.AppKeyResponse; the python dicts).
      const body = user.body;
      assert.match(body.wrapped_key_share, /^[0-9a-f]+$/);
      // The golang-sdk decodes into typed Go fields: a number where it expects a string fails the whole answer.
      assert.equal(typeof (person ? body.user_id : body.account_id), 'string');
      assert.ok(!((person ? 'account_id' : 'user_id') in body));
      assert.equal(typeof body.organisation.id, 'string');
      assert.deepEqual(Object.keys(body.organisation).sort(), ['id', 'name']);
      assert.equal(body.offline_enabled, false);
      const shop = (body.apps as any[]).find((a) => a.id === app.id);
      assert.deepEqual([shop.name, shop.encryption], ['shop-backend', 'SSE']);
      for (const k of shop.environment_keys) {
        assert.deepEqual(
          Object.keys(k).sort(),
          [
            'created_at',
            'deleted_at',
            'environment',
            'id',
            'identity_key',
            'paths',
            'service_account',
            'updated_at',
            'user',
            'wrapped_salt',
            'wrapped_seed',
          ],
          'EnvironmentKey as Phase serializes it',
        );
        assert.equal(k.paths, null, 'Phase never fills `paths`');
        assert.equal(k.deleted_at, null);
        for (const f of ['id', 'identity_key', 'wrapped_seed', 'wrapped_salt', 'created_at', 'updated_at'])
          assert.equal(typeof k[f], 'string', f);
        assert.equal(typeof k[person ? 'user' : 'service_account'], 'string');
        assert.equal(k[person ? 'service_account' : 'user'], null);
        for (const f of ['id', 'name', 'env_type', 'updated_at']) assert.ok(k.environment[f], f);
      }

      // Context by app-name substring ("shop"), as `--app shop` and the operator's `phaseApp` match it.
      const ctx = await client.context(body, { name: 'shop' }, env.toUpperCase());
      assert.equal(ctx.envKeys.publicKey, ctx.publicKey, 'the unwrapped seed gives identity_key');
      // Sent by a service account too (`--override`); Phase, and Hush, keep overrides for persons only.
      const overrideCt = await ctx.seal('local-only');
      const item = async (key: string, value: string, path: string, extra: Record<string, unknown> = {}) => ({
        key: await ctx.seal(key),
        keyDigest: await ctx.digest(key),
        value: await ctx.seal(value),
        path,
        tags: [],
        comment: '',
        ...extra,
      });
      const created = await client.write('POST', ctx.envId, [
        await item('DB_HOST', 'db.internal', '/'),
        // The Go SDK adds `type` when asked (`--type config`) and both add `override` with `isActive` (camelCase).
        await item('LOG_LEVEL', 'info', '/', name === 'go' ? { type: 'config' } : {}),
        await item('API_KEY', 'k-1', '/backend', { override: { value: overrideCt, isActive: true } }),
      ]);
      assert.deepEqual([created.status, created.body], [200, null], 'both clients accept any 200');
      const inV1 = await stored(env);
      assert.equal(inV1.get('LOG_LEVEL')?.type, name === 'go' ? 'config' : 'secret');
      assert.equal(inV1.get('API_KEY')?.path, '/backend');

      // The listing fields the clients read: snake_case (neither sends X-Use-Camel-Case).
      const all = await client.list(ctx.envId);
      assert.equal(all.status, 200);
      const byKey = new Map<string, any>();
      for (const s of all.body as any[]) byKey.set(await ctx.open(s.key), s);
      assert.deepEqual([...byKey.keys()].sort(), ['API_KEY', 'DB_HOST', 'LOG_LEVEL']);
      const api = byKey.get('API_KEY');
      assert.ok('override' in api, "python reads secret['override'] as a key");
      assert.deepEqual([api.path, api.tags, api.lifecycle], ['/backend', [], 'static']);
      assert.equal(api.comment && (await ctx.open(api.comment)), '', 'an empty comment (sealed or not)');
      if (person) {
        assert.equal(api.override.is_active, true);
        assert.equal(await ctx.open(api.override.value), 'local-only');
      } else assert.equal(api.override, null, 'a service account has no overrides');
      assert.equal(await ctx.open(byKey.get('DB_HOST').value), 'db.internal');

      const atPath = await client.list(ctx.envId, { path: '/backend' });
      assert.deepEqual(await Promise.all((atPath.body as any[]).map((s) => ctx.open(s.key))), ['API_KEY']);
      const one = await client.list(ctx.envId, { keyDigest: await ctx.digest('DB_HOST') });
      assert.deepEqual(await Promise.all((one.body as any[]).map((s) => ctx.open(s.key))), ['DB_HOST']);

      // Update as both do: the matching secret's tags and *ciphertext* comment sent back, a new path, a new value.
      await admin('PUT', v1(env), { secrets: [{ id: inV1.get('DB_HOST').id, comment: 'primary', tags: ['db'] }] });
      const current = ((await client.list(ctx.envId)).body as any[]).find((s) => s.id === inV1.get('DB_HOST').id);
      const updated = await client.write('PUT', ctx.envId, [
        {
          id: current.id,
          key: await ctx.seal('DB_HOST'),
          keyDigest: await ctx.digest('DB_HOST'),
          value: await ctx.seal('db2.internal'),
          tags: current.tags,
          comment: current.comment,
          path: '/db',
        },
      ]);
      assert.equal(updated.status, 200, JSON.stringify(updated.body));
      const after = (await stored(env)).get('DB_HOST');
      assert.deepEqual(
        [after.value, after.comment, after.tags, after.path],
        ['db2.internal', 'primary', ['db'], '/db'],
      );

      if (person) {
        // `--toggle-override`: the shared value sent back unchanged, the override's state flipped.
        const res = await client.write('PUT', ctx.envId, [
          {
            id: api.id,
            key: await ctx.seal('API_KEY'),
            keyDigest: await ctx.digest('API_KEY'),
            value: api.value,
            tags: api.tags,
            comment: api.comment,
            path: api.path,
            override: { value: api.override.value, isActive: !api.override.is_active },
          },
        ]);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        const again = ((await client.list(ctx.envId)).body as any[]).find((s) => s.id === api.id);
        assert.equal(again.override.is_active, false);
        assert.equal(await ctx.open(again.value), 'k-1');
      }

      const removed = await client.write(
        'DELETE',
        ctx.envId,
        [...byKey.values()].map((s) => s.id),
      );
      assert.equal(removed.status, 200);
      assert.equal((await stored(env)).size, 0);
    });
  }

  it('operator: updated_at of the environment grows with every secret write; Path "/" and an empty KeyDigest', async () => {
    const client = phaseClient(hush, await mint('deploy-bot'), 'operator');
    const envUpdatedAt = async () => {
      const user = (await client.tokens()).body;
      const key = (user.apps as any[])
        .find((a) => a.name === 'shop-backend')
        .environment_keys.find((k: any) => k.environment.name === 'Production');
      return key.environment.updated_at as string;
    };
    const t0 = await envUpdatedAt();
    assert.match(t0, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    await sleep(5);
    await admin('POST', v1('production'), {
      secrets: [
        { key: 'ROOT_ONE', value: '1' },
        { key: 'NESTED', value: '2', path: '/app' },
      ],
    });
    const t1 = await envUpdatedAt();
    assert.ok(Date.parse(t1) > Date.parse(t0), `${t1} > ${t0}: the operator re-syncs only then`);
    assert.equal(await envUpdatedAt(), t1, 'reads do not move it');

    const ctx = await client.context((await client.tokens()).body, { name: 'shop-backend' }, 'production');
    const root = await client.list(ctx.envId);
    assert.equal(root.status, 200);
    assert.deepEqual(await Promise.all((root.body as any[]).map((s) => ctx.open(s.key))), ['ROOT_ONE']);

    await sleep(5);
    const id = (await stored('production')).get('ROOT_ONE').id;
    await client.write('DELETE', ctx.envId, [id]);
    assert.ok(Date.parse(await envUpdatedAt()) > Date.parse(t1), 'a delete through the E2EE API moves it too');
  });

  it('go client: dynamic secrets and external identities answer 400 saying they are not supported', async () => {
    const client = phaseClient(hush, await mint('deploy-bot'), 'go');
    const ctx = await client.context((await client.tokens()).body, { id: app.id }, 'Development');
    // `phase secrets list --dynamic --lease --lease-ttl 60`: the static list (Hush has no dynamic secrets).
    const listed = await client.list(ctx.envId, { extra: { dynamic: 'true', lease: 'true', 'lease-ttl': '60' } });
    assert.equal(listed.status, 200);
    assert.ok(Array.isArray(listed.body));
    const badTtl = await client.list(ctx.envId, { extra: { dynamic: 'true', 'lease-ttl': 'soon' } });
    assert.deepEqual([badTtl.status, badTtl.body], [400, { error: 'lease_ttl must be a valid integer (seconds)' }]);
    assert.equal((await client.list(ctx.envId, { extra: { dynamic: 'false', 'lease-ttl': 'soon' } })).status, 200);

    const q = `app_id=${app.id}&env=Development`;
    const base = '/service/public/v1/secrets/dynamic/';
    for (const [method, path, body] of [
      ['GET', `${base}?${q}&path=%2F`],
      ['GET', `${base}?${q}&id=00000000-0000-0000-0000-000000000001&lease=true&ttl=60`],
      ['GET', `${base}leases/?${q}&secret_id=00000000-0000-0000-0000-000000000001`],
      ['PUT', `${base}leases/?${q}`, { lease_id: '00000000-0000-0000-0000-000000000002', ttl: 60 }],
      ['DELETE', `${base}leases/?${q}`, { lease_id: '00000000-0000-0000-0000-000000000002' }],
      ['GET', `/v1/secrets/dynamic?${q}`],
    ] as [string, string, unknown?][]) {
      const res = await client.send(method, path, {}, body);
      assert.equal(res.status, 400, `${method} ${path}`);
      assert.ok(String(res.body.error).startsWith(DYNAMIC), res.body.error);
    }
    // Phase's own checks come first: an unknown app, no environment, no access.
    const unknown = await client.send('GET', `${base}?app_id=00000000-0000-0000-0000-000000000009&env=dev`);
    assert.deepEqual(unknown.body, { error: 'App with ID 00000000-0000-0000-0000-000000000009 not found' });
    assert.equal((await client.send('GET', base)).status, 403);
    // Phase's authentication also takes the environment from an `Environment` header.
    const byHeader = await client.send('GET', base, { environment: ctx.envId });
    assert.equal(byHeader.status, 400);
    assert.ok(String(byHeader.body.error).startsWith(DYNAMIC));
    assert.equal((await phaseAs(hush, 'nope', 'ServiceAccount')('GET', `${base}?${q}`)).status, 401);

    for (const path of [
      '/service/public/identities/external/v1/aws/iam/auth/',
      '/service/public/identities/external/v1/azure/entra/auth/',
      '/identities/external/v1/aws/iam/auth/',
    ]) {
      // No credentials: these are logins. The body as the golang-sdk builds it.
      const res = await hush.request('POST', path, {
        token: null,
        body: { account: { type: 'service', id: 'sa-1' }, awsIam: { httpRequestMethod: 'POST' } },
      });
      assert.equal(res.status, 400, path);
      assert.match(res.body.error, /^External identities \(AWS IAM, Azure Entra\) are not supported/);
    }
  });

  it('Secret-Id (header or secret_id query) names the environment through a secret, before anything else', async () => {
    const created = await admin('POST', v1('staging'), { secrets: [{ key: 'PINNED', value: 'p' }] });
    const id = created.body[0].id as string;
    const bySecret = await admin('GET', '/v1/secrets/', undefined, { 'secret-id': id });
    assert.equal(bySecret.status, 200, JSON.stringify(bySecret.body));
    assert.ok((bySecret.body as any[]).every((s) => s.environment === app.envs.staging));
    assert.ok((bySecret.body as any[]).some((s) => s.key === 'PINNED'));
    // Before app_id + env: the query names production, the secret staging.
    const wins = await admin('GET', `${v1('production')}&secret_id=${id}`);
    assert.ok((wins.body as any[]).some((s) => s.key === 'PINNED'));
    const missing = await admin('GET', '/v1/secrets/', undefined, {
      'secret-id': '00000000-0000-0000-0000-00000000abcd',
    });
    assert.deepEqual([missing.status, missing.body], [404, { error: 'Secret not found' }]);
    assert.equal((await admin('GET', '/v1/secrets/?secret_id=not-a-uuid')).status, 404);

    // PUT by Secret-Id alone, as a client holding only the secret's id does.
    const put = await admin('PUT', '/v1/secrets/', { secrets: [{ id, value: 'q' }] }, { 'secret-id': id });
    assert.deepEqual([put.status, put.body[0]?.value], [200, 'q']);
    // On the E2EE API it wins over `Environment`.
    const client = phaseClient(hush, await mint('alice'), 'go');
    const e2ee = await client.send('GET', '/service/secrets/', { environment: app.envs.production!, 'secret-id': id });
    assert.equal(e2ee.status, 200);
    assert.ok((e2ee.body as any[]).some((s) => s.id === id));
    // A caller without access to the secret's environment is refused as for that environment.
    await hush.request('POST', '/api/users/users/', { body: { username: 'outsider', kind: 'person' } });
    const tok = await hush.request('POST', '/api/users/tokens/', {
      body: { user: (await hush.request('GET', '/api/users/users/?username=outsider')).body.results[0].id },
    });
    const outsider = await phaseAs(hush, tok.body.key, 'User')('GET', '/v1/secrets/', undefined, { 'secret-id': id });
    assert.deepEqual([outsider.status, outsider.body], [403, { error: 'User cannot access this environment' }]);
    const del = await admin('DELETE', '/v1/secrets/', { secrets: [id] }, { 'secret-id': id });
    assert.deepEqual(del.body, { message: 'Deleted 1 secret' });
  });
});
