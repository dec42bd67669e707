import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, it } from 'node:test';
import { forEachDialect } from '../../helpers/dialects.js';
import { startHush, type RunningHush } from '../../helpers/server.js';
import { createApp, phaseAs, userWithGrants, type PhaseCall } from './helpers.js';

// Phase's own node SDK (CommonJS) against Hush's end-to-end API, docs/wire/phase.md §5.
interface PhaseSdk {
  init(): Promise<void>;
  apps: { id: string; name: string; environments: { id: string; name: string }[] }[];
  get(o: { appId: string; envName: string; path?: string; key?: string; tags?: string[] }): Promise<SdkSecret[]>;
  create(o: {
    appId: string;
    envName: string;
    secrets: { key: string; value: string; comment: string; path?: string; tags?: string[] }[];
  }): Promise<void>;
  update(o: {
    appId: string;
    envName: string;
    secrets: {
      id: string;
      key?: string;
      value?: string;
      comment?: string;
      path?: string;
      tags?: string[];
      override?: { value: string; isActive: boolean };
    }[];
  }): Promise<void>;
  delete(o: { appId: string; envName: string; secretIds: string[] }): Promise<void>;
}
interface SdkSecret {
  id: string;
  key: string;
  value: string;
  comment: string;
  path: string;
  tags: string[];
  override?: { value: string; isActive: boolean } | null;
}
const execFileAsync = promisify(execFile);
const Phase = createRequire(import.meta.url)('@phase.dev/phase-node') as new (token: string, host: string) => PhaseSdk;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/**
 * The SDK's create/update never settle when the server refuses, and reject an unreachable promise (docs/wire/phase.md
 * §5.4). That rejection would fail whichever test is running, so the call runs in a child process that reports whether
 * the promise settled within its timeout and what went unhandled.
 */
const CREATE_IN_CHILD = `
const Phase = require('@phase.dev/phase-node');
const [token, host, appId, envName, key] = process.argv.slice(1);
const unhandled = [];
process.on('unhandledRejection', (e) => unhandled.push(String(e)));
(async () => {
  const sdk = new Phase(token, host);
  await sdk.init();
  const p = sdk.create({ appId, envName, secrets: [{ key, value: 'x', comment: '' }] });
  const outcome = await Promise.race([p.then(() => 'settled', () => 'settled'), new Promise((r) => setTimeout(() => r('pending'), 1500))]);
  console.log(JSON.stringify({ outcome, unhandled }));
  process.exit(0);
})();`;

async function sdkCreateInChild(...args: string[]): Promise<{ outcome: string; unhandled: string[] }> {
  const { stdout } = await execFileAsync(process.execPath, ['-e', CREATE_IN_CHILD, ...args], {
    cwd: root,
    timeout: 20_000,
  });
  return JSON.parse(stdout) as { outcome: string; unhandled: string[] };
}

forEachDialect('phase node SDK 3.1.1', (dialect) => {
  let hush: RunningHush;
  let admin: PhaseCall;
  let app: { id: string; envs: Record<string, string> };
  let other: { id: string; envs: Record<string, string> };

  async function mint(user: string, body: Record<string, unknown> = {}) {
    const res = await admin('POST', '/v1/tokens/', { user, ...body });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as { id: number; token: string; bearer_token: string };
  }

  async function sdkFor(token: string) {
    const sdk = new Phase(token, hush.url);
    await sdk.init();
    return sdk;
  }

  before(async () => {
    hush = await startHush({ databaseUrl: dialect.databaseUrl });
    admin = phaseAs(hush, hush.token);
    app = await createApp(admin, 'shop');
    other = await createApp(admin, 'billing');
    await admin('POST', `/v1/secrets/?app_id=${other.id}&env=production`, {
      secrets: [{ key: 'STRIPE_KEY', value: 'sk_live_1' }],
    });
    await hush.request('POST', '/api/users/users/', { body: { username: 'alice', kind: 'person' } });
    await hush.request('POST', '/api/users/users/', { body: { username: 'deploy-bot', kind: 'service' } });
    const grant = async (name: string, user: string, type: string, actions: string[]) => {
      const id = (await hush.request('GET', `/api/users/users/?username=${user}`)).body.results[0].id;
      await hush.request('POST', '/api/users/permissions/', {
        body: { name, object_types: [type], actions, users: [id] },
      });
    };
    for (const user of ['alice', 'deploy-bot']) {
      await grant(`${user}-apps`, user, 'phase.app', ['view']);
      await grant(`${user}-secrets`, user, 'phase.secret', ['view', 'add', 'change', 'delete']);
    }
  });
  after(() => hush.close());

  for (const [who, prefix] of [
    ['alice', 'pss_user:v1:'],
    ['deploy-bot', 'pss_service:v2:'],
  ] as const) {
    it(`${who}: init, create, get (all, by key, by path, with references), update, delete, one store with /v1`, async () => {
      const minted = await mint(who);
      assert.ok(minted.token.startsWith(prefix), minted.token);
      const sdk = await sdkFor(minted.token);
      const shop = sdk.apps.find((a) => a.id === app.id);
      assert.deepEqual(shop?.environments.map((e) => e.name).sort(), ['Development', 'Production', 'Staging']);
      const env = who === 'alice' ? 'Development' : 'Staging';
      const v1 = `/v1/secrets/?app_id=${app.id}&env=${env}`;

      await sdk.create({
        appId: app.id,
        envName: env,
        secrets: [
          { key: 'DB_HOST', value: 'db.internal', comment: 'primary' },
          { key: 'DB_URL', value: 'postgres://${DB_HOST}/shop', comment: '' },
          { key: 'PAYMENTS', value: '${billing::production.STRIPE_KEY}', comment: '' },
          { key: 'api_key', value: 'k-123', comment: '', path: '/backend', tags: ['api'] },
        ],
      });

      // The SDK wrote ciphertexts; /v1 reads the same store in the clear, with the server's own digests.
      const stored = (await admin('GET', v1)).body as {
        id: string;
        key: string;
        value: string;
        path: string;
        keyDigest: string;
      }[];
      const byKey = new Map(stored.map((s) => [s.key, s]));
      assert.deepEqual([...byKey.keys()].sort(), ['API_KEY', 'DB_HOST', 'DB_URL', 'PAYMENTS']);
      assert.equal(byKey.get('DB_URL')?.value, 'postgres://db.internal/shop');
      assert.equal(byKey.get('API_KEY')?.path, '/backend');

      const all = await sdk.get({ appId: app.id, envName: env });
      const got = new Map(all.map((s) => [s.key, s]));
      assert.equal(got.get('DB_HOST')?.comment, 'primary');
      assert.equal(got.get('DB_URL')?.value, 'postgres://db.internal/shop', 'local reference resolved by the SDK');
      assert.equal(got.get('PAYMENTS')?.value, 'sk_live_1', 'cross-app reference resolved by the SDK');
      // The SDK hashes the key as typed on create (its bug); the server hashed the upper-cased key, so get-by-key works.
      assert.deepEqual(
        (await sdk.get({ appId: app.id, envName: env.toLowerCase(), key: 'api_key' })).map((s) => s.value),
        ['k-123'],
      );
      assert.deepEqual(
        (await sdk.get({ appId: app.id, envName: env, path: '/backend' })).map((s) => s.key),
        ['API_KEY'],
      );
      assert.deepEqual(
        (await sdk.get({ appId: app.id, envName: env, tags: ['api'] })).map((s) => s.key),
        ['API_KEY'],
      );

      // Written through /v1, read through the SDK.
      await admin('POST', v1, { secrets: [{ key: 'FROM_V1', value: 'hello' }] });
      assert.equal((await sdk.get({ appId: app.id, envName: env, key: 'FROM_V1' }))[0]?.value, 'hello');

      // The SDK sends an encrypted "" for an omitted comment, so an update through it clears the comment (as on Phase).
      await sdk.update({
        appId: app.id,
        envName: env,
        secrets: [{ id: byKey.get('DB_HOST')!.id, value: 'db2.internal', tags: ['db'] }],
      });
      const after = (await admin('GET', `${v1}&key=DB_HOST`)).body[0];
      assert.deepEqual([after.value, after.comment, after.tags, after.version], ['db2.internal', '', ['db'], 2]);
      assert.equal(
        (await sdk.get({ appId: app.id, envName: env, key: 'DB_URL' }))[0]?.value,
        'postgres://db2.internal/shop',
      );

      await sdk.delete({ appId: app.id, envName: env, secretIds: [byKey.get('API_KEY')!.id] }).catch(() => undefined);
      // The SDK's delete resolves on 200; wait for the store rather than the promise.
      assert.deepEqual(((await admin('GET', v1)).body as { key: string }[]).map((s) => s.key).sort(), [
        'DB_HOST',
        'DB_URL',
        'FROM_V1',
        'PAYMENTS',
      ]);
    });
  }

  it('a person sees their own override; a service account never gets one', async () => {
    const person = await sdkFor((await mint('alice')).token);
    const v1 = `/v1/secrets/?app_id=${app.id}&env=production`;
    const id = (await admin('POST', v1, { secrets: [{ key: 'FLAG', value: 'off' }] })).body[0].id;
    await person.update({
      appId: app.id,
      envName: 'Production',
      secrets: [{ id, tags: [], override: { value: 'on', isActive: true } }],
    });
    assert.equal((await person.get({ appId: app.id, envName: 'Production', key: 'FLAG' }))[0]?.value, 'on');
    assert.equal((await admin('GET', `${v1}&key=FLAG`)).body[0].value, 'off', 'the override never replaces the value');
    const bot = await sdkFor((await mint('deploy-bot')).token);
    assert.equal((await bot.get({ appId: app.id, envName: 'Production', key: 'FLAG' }))[0]?.value, 'off');
  });

  it('a token narrowed to one environment sees and reaches only that one, on the E2EE API and on /v1', async () => {
    const dev = app.envs.development!;
    const minted = await mint('alice', { environments: [dev] });
    const sdk = await sdkFor(minted.token);
    assert.deepEqual(
      sdk.apps.flatMap((a) => a.environments.map((e) => e.id)),
      [dev],
    );
    const bearer = phaseAs(hush, minted.token.split(':')[2]!, 'User');
    assert.equal(
      (await bearer('GET', `/v1/secrets/?app_id=${app.id}&env=development`)).status,
      200,
      'the third segment is a /v1 bearer token',
    );
    assert.equal((await bearer('GET', `/v1/secrets/?app_id=${app.id}&env=production`)).status, 403);
    assert.equal(
      (await bearer('GET', '/service/secrets/', undefined, { environment: app.envs.production! })).status,
      403,
    );
    assert.equal((await bearer('POST', '/v1/tokens/', {})).status, 403, 'a narrowed token cannot mint a wider one');
    // Even a superuser's narrowed token: apps and environments outside the scope are as if they did not exist, and
    // app-level changes need the whole app in scope.
    const root = (await admin('POST', '/v1/tokens/', { environments: [dev] })).body as { token: string };
    const narrowRoot = phaseAs(hush, root.token.split(':')[2]!, 'User');
    assert.deepEqual(
      ((await narrowRoot('GET', '/v1/apps/')).body.data as { id: string }[]).map((a) => a.id),
      [app.id],
    );
    assert.equal((await narrowRoot('GET', `/v1/apps/${other.id}/`)).status, 404);
    assert.deepEqual(
      ((await narrowRoot('GET', `/v1/environments/?app_id=${app.id}`)).body.data as { id: string }[]).map((e) => e.id),
      [dev],
    );
    assert.equal((await narrowRoot('GET', `/v1/environments/${app.envs.production}/`)).status, 404);
    assert.equal((await narrowRoot('POST', '/v1/apps/', { name: 'sneaky' })).status, 403);
    assert.equal((await narrowRoot('DELETE', `/v1/apps/${app.id}/`)).status, 403);
    assert.equal((await narrowRoot('GET', `/v1/secrets/?app_id=${other.id}&env=production`)).status, 403);
    assert.equal((await admin('GET', `/v1/apps/${app.id}/`)).status, 200, 'the app is still there');
    // Its scope says nothing about other engines' data, so a narrowed token works on Phase's API only.
    const plainNarrow = phaseAs(hush, root.token.split(':')[2]!, '');
    for (const url of ['/api/users/users/', '/api/secrets/lists', '/api/plugins/secrets/secrets/']) {
      assert.equal((await plainNarrow('GET', url)).status, 403, url);
    }
    const wide = (await admin('POST', '/v1/tokens/', {})).body as { token: string };
    const plainWide = phaseAs(hush, wide.token.split(':')[2]!, '');
    for (const url of ['/api/users/users/', '/api/secrets/lists', '/api/plugins/secrets/secrets/']) {
      assert.equal((await plainWide('GET', url)).status, 200, `an unnarrowed one is an ordinary token: ${url}`);
    }
    assert.equal(
      (await admin('POST', '/v1/tokens/', { user: 'alice', environments: ['00000000-0000-0000-0000-000000000000'] }))
        .status,
      400,
    );
    assert.equal(
      (await admin('POST', '/v1/tokens/', { user: 'alice', expires: '2001-01-01T00:00:00Z' })).status,
      400,
      'born expired',
    );
    const empty = await admin('POST', '/v1/tokens/', { user: 'alice', apps: [], environments: [] });
    assert.deepEqual(
      [empty.status, empty.body.error],
      [400, 'apps: give at least one app or environment id, or leave both out for a token that is not narrowed'],
    );
  });

  it('a write-only service account gets the keys it needs to write, and still reads nothing', async () => {
    await hush.request('POST', '/api/users/users/', { body: { username: 'writer-bot', kind: 'service' } });
    const id = (await hush.request('GET', '/api/users/users/?username=writer-bot')).body.results[0].id;
    await hush.request('POST', '/api/users/permissions/', {
      body: { name: 'writer-apps', object_types: ['phase.app'], actions: ['view'], users: [id] },
    });
    await hush.request('POST', '/api/users/permissions/', {
      body: {
        name: 'writer-add',
        object_types: ['phase.secret'],
        actions: ['add'],
        users: [id],
        constraints: { id: other.envs.staging },
      },
    });
    const minted = await mint('writer-bot');
    const sdk = await sdkFor(minted.token);
    assert.deepEqual(
      sdk.apps.map((a) => [a.id, a.environments.map((e) => e.name)]),
      [[other.id, ['Staging']]],
    );
    await sdk.create({
      appId: other.id,
      envName: 'Staging',
      secrets: [{ key: 'WRITTEN', value: 'blind', comment: '' }],
    });
    assert.equal(
      (await admin('GET', `/v1/secrets/?app_id=${other.id}&env=staging&key=WRITTEN`)).body[0].value,
      'blind',
    );
    const reader = phaseAs(hush, minted.token.split(':')[2]!, 'ServiceAccount');
    assert.equal(
      (await reader('GET', '/service/secrets/', undefined, { environment: other.envs.staging! })).status,
      403,
    );
  });

  it('refusals: the SDK never settles, and the wire answers carry the original errors', async () => {
    const minted = await mint('deploy-bot');
    const bearer = phaseAs(hush, minted.token.split(':')[2]!, 'ServiceAccount');
    const headers = { environment: app.envs.development! };

    // A duplicate key: 409, so the SDK's promise stays pending (its bug) and nothing is written.
    const before = (await bearer('GET', '/service/secrets/', undefined, headers)).body.length;
    const refused = await sdkCreateInChild(minted.token, hush.url, app.id, 'Development', 'DB_HOST');
    assert.equal(refused.outcome, 'pending');
    assert.match(refused.unhandled.join(), /409: Duplicate secret found/);
    assert.equal((await bearer('GET', '/service/secrets/', undefined, headers)).body.length, before);

    // Without X-Use-Camel-Case (Phase's Python CLI) the same secrets come in snake_case.
    const snakeCase = (await bearer('GET', '/service/secrets/', undefined, headers)).body as Record<string, unknown>[];
    assert.ok(
      snakeCase.length > 0 &&
        snakeCase.every((x) => 'key_digest' in x && !('keyDigest' in x) && String(x.key).startsWith('ph:v1:')),
    );
    const bad = await bearer(
      'POST',
      '/service/secrets/',
      { secrets: [{ key: 'ph:v1:zz:abc', value: 'plain', comment: '' }] },
      headers,
    );
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body, { error: 'Invalid ciphertext format', index: 0, field: 'key' });
    const foreign = 'ph:v1:' + 'ab'.repeat(32) + ':' + Buffer.alloc(48).toString('base64');
    assert.equal(
      (await bearer('POST', '/service/secrets/', { secrets: [{ key: foreign, value: foreign, comment: '' }] }, headers))
        .status,
      400,
    );

    const unknownEnv = await bearer('GET', '/service/secrets/', undefined, {
      environment: '11111111-1111-4111-8111-111111111111',
    });
    assert.deepEqual([unknownEnv.status, unknownEnv.body], [401, { error: 'Environment not found' }]);
    const gone = await phaseAs(hush, 'f'.repeat(64), 'ServiceAccount')('GET', '/service/secrets/tokens/');
    assert.deepEqual([gone.status, gone.body], [403, { error: 'Token expired or deleted' }]);
    const plain = await phaseAs(hush, hush.token, 'User')('GET', '/service/secrets/tokens/');
    assert.equal(plain.status, 403, 'a plain Hush token has no key share');
    assert.equal(
      (await bearer('GET', '/service/secrets/', undefined, { ...headers, keydigest: 'not-hex' })).status,
      400,
    );

    // Bad input is a 4xx naming the problem, never a 500.
    assert.equal((await bearer('POST', '/service/secrets/', { secrets: [] })).status, 403, 'no environment context');
    assert.deepEqual((await bearer('POST', '/service/secrets/', 'not json', headers)).body, {
      error: 'Request body must be valid JSON.',
    });
    const many = Array.from({ length: 1001 }, () => ({ key: foreign, value: foreign, comment: '' }));
    assert.equal((await bearer('POST', '/service/secrets/', { secrets: many }, headers)).status, 413);
    assert.equal(
      (await bearer('PUT', '/service/secrets/', { secrets: [{ id: 'nope', value: 7 }] }, headers)).status,
      400,
    );
    const doomed = (
      await admin('POST', `/v1/secrets/?app_id=${app.id}&env=development`, { secrets: [{ key: 'DOOMED', value: 'x' }] })
    ).body[0].id;
    const mixed = await bearer(
      'DELETE',
      '/service/secrets/',
      { secrets: ['11111111-1111-4111-8111-111111111111', doomed] },
      headers,
    );
    assert.equal(mixed.status, 200, 'unknown ids are ignored');
    assert.deepEqual(
      (await admin('GET', `/v1/secrets/?app_id=${app.id}&env=development&key=DOOMED`)).body,
      [],
      'known ones are deleted',
    );
    const readOnly = await mint('deploy-bot', { write_enabled: false });
    const reader = phaseAs(hush, readOnly.token.split(':')[2]!, 'ServiceAccount');
    assert.equal((await reader('GET', '/service/secrets/', undefined, headers)).status, 200);
    assert.equal(
      (await reader('POST', '/service/secrets/', { secrets: [{ key: foreign, value: foreign, comment: '' }] }, headers))
        .status,
      403,
    );

    // Revoked like any token: the SDK can no longer start a session.
    assert.equal((await hush.request('DELETE', `/api/users/tokens/${minted.id}/`)).status, 204);
    await assert.rejects(sdkFor(minted.token), /403: Token expired or deleted/);
  });

  it('a cross-app reference resolves alike through /v1 and the SDK: into an app the caller sees and may read', async () => {
    // Carol may read Production of both apps but see only the shop app: the SDK cannot find billing (it looks apps up
    // in those its token lists), so /v1 must not resolve into it either (issue 16 item 7).
    await userWithGrants(hush, 'carol', 'person', [
      { objectType: 'phase.app', actions: ['view'], objectId: app.id },
      { objectType: 'phase.secret', actions: ['view'], objectId: app.envs.production! },
      { objectType: 'phase.secret', actions: ['view'], objectId: other.envs.production! },
    ]);
    await admin('POST', `/v1/secrets/?app_id=${app.id}&env=production`, {
      secrets: [{ key: 'XAPP', value: 'stripe=${billing::production.STRIPE_KEY}' }],
    });
    const minted = await mint('carol');
    const bearer = phaseAs(hush, minted.token.split(':')[2]!, 'User');
    const both = async () => {
      const v1 = (await bearer('GET', `/v1/secrets/?app_id=${app.id}&env=production&key=XAPP`)).body[0]?.value;
      const sdk = (await (await sdkFor(minted.token)).get({ appId: app.id, envName: 'Production' })).find(
        (x) => x.key === 'XAPP',
      )?.value;
      return [v1, sdk];
    };
    assert.deepEqual(await both(), [
      'stripe=${billing::production.STRIPE_KEY}',
      'stripe=${billing::production.STRIPE_KEY}',
    ]);
    // Carol reads billing's secrets directly through /v1 all the same: the rule is about references only.
    assert.equal((await bearer('GET', `/v1/secrets/?app_id=${other.id}&env=production`)).status, 200);

    const carol = (await hush.request('GET', '/api/users/users/?username=carol')).body.results[0].id;
    await hush.request('POST', '/api/users/permissions/', {
      body: {
        name: 'carol-billing',
        object_types: ['phase.app'],
        actions: ['view'],
        users: [carol],
        constraints: { id: other.id },
      },
    });
    assert.deepEqual(await both(), ['stripe=sk_live_1', 'stripe=sk_live_1'], 'seeing billing too, both resolve it');
  });
});
