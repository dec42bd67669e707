import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDialect } from '../../helpers/dialects.js';
import { startHush, type RunningHush } from '../../helpers/server.js';
import { createApp, phaseAs, type PhaseCall } from './helpers.js';

/** Phase's rendering, as its seed shows it: `"2024-02-13T13:41:45.551255Z"`. */
const DRF = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

// Issue 16 item 7: every time of every Phase answer, /v1 and the end-to-end API alike, carries six fraction digits.
forEachDialect('Phase answers: times with microseconds', (dialect) => {
  let hush: RunningHush;
  let admin: PhaseCall;
  before(async () => {
    hush = await startHush({ databaseUrl: dialect.databaseUrl });
    admin = phaseAs(hush, hush.token);
  });
  after(() => hush.close());

  const assertDrf = (what: string, body: Record<string, unknown>, ...fields: string[]) => {
    for (const f of fields) assert.match(String(body[f]), DRF, `${what} ${f}`);
  };

  it('/v1: apps, environments, secrets with overrides, history', async () => {
    const created = await admin('POST', '/v1/apps/', { name: 'timed' });
    assertDrf('created app', created.body, 'createdAt', 'updatedAt');
    const app = await createApp(admin, 'timed2');
    const listed = (await admin('GET', '/v1/apps/')).body.data as Record<string, unknown>[];
    for (const a of listed) assertDrf('app', a, 'createdAt', 'updatedAt');
    const envs = (await admin('GET', `/v1/environments/?app_id=${app.id}`)).body.data as Record<string, unknown>[];
    for (const e of envs) assertDrf('environment', e, 'createdAt', 'updatedAt');

    const q = `?app_id=${app.id}&env=development`;
    const [secret] = (
      await admin('POST', `/v1/secrets/${q}`, {
        secrets: [{ key: 'TIMED', value: 'v', override: { value: 'mine', isActive: true } }],
      })
    ).body;
    assertDrf('created secret', secret, 'createdAt', 'updatedAt');
    assertDrf('created override', secret.override, 'createdAt', 'updatedAt');
    const [read] = (await admin('GET', `/v1/secrets/${q}&key=TIMED`)).body;
    assertDrf('secret', read, 'createdAt', 'updatedAt');
    assertDrf('override', read.override, 'createdAt', 'updatedAt');
    assert.equal(read.createdAt, secret.createdAt);
    const history = (await admin('GET', `/v1/secrets/${secret.id}/history/${q}`)).body as Record<string, unknown>[];
    assert.ok(history.length > 0);
    for (const v of history) assertDrf('version', v, 'createdAt');
  });

  it('the end-to-end API: the token answer and secret listings, snake_case and camelCase', async () => {
    const app = await createApp(admin, 'timed-e2ee');
    await admin('POST', `/v1/secrets/?app_id=${app.id}&env=production`, { secrets: [{ key: 'K', value: 'v' }] });
    const minted = (await admin('POST', '/v1/tokens/', {})).body as { token: string };
    const bearer = phaseAs(hush, minted.token.split(':')[2]!, 'User');
    const info = (await bearer('GET', '/service/secrets/tokens/')).body;
    const keys = info.apps.find((a: { id: string }) => a.id === app.id).environment_keys as Record<string, any>[];
    for (const k of keys) {
      assertDrf('environment key', k, 'created_at', 'updated_at');
      assertDrf('environment key environment', k.environment, 'created_at', 'updated_at');
    }
    const headers = { environment: app.envs.production! };
    const [snake] = (await bearer('GET', '/service/secrets/', undefined, headers)).body;
    assertDrf('e2ee secret', snake, 'created_at', 'updated_at');
    const [camel] = (await bearer('GET', '/service/secrets/', undefined, { ...headers, 'x-use-camel-case': 'true' }))
      .body;
    assertDrf('e2ee secret (camelCase)', camel, 'createdAt', 'updatedAt');
  });
});
