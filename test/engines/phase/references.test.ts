import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDialect } from '../../helpers/dialects.js';
import { startHush, type RunningHush } from '../../helpers/server.js';
import { createApp, phaseAs, userWithGrants, type PhaseCall } from './helpers.js';

// Server-side references, docs/wire/phase.md §4.1 and §6 cases 37-42.
forEachDialect('phase secret references', (dialect) => {
  let hush: RunningHush;
  let admin: PhaseCall;
  let app: { id: string; envs: Record<string, string> };
  const q = (env: string, appId = app.id) => `?app_id=${appId}&env=${env}`;
  const put = (env: string, secrets: unknown[], appId?: string) =>
    admin('POST', `/v1/secrets/${q(env, appId)}`, { secrets });
  const value = async (env: string, key: string, call = admin, appId?: string) =>
    (await call('GET', `/v1/secrets/${q(env, appId)}&key=${key}`)).body[0]?.value;

  before(async () => {
    hush = await startHush({ databaseUrl: dialect.databaseUrl });
    admin = phaseAs(hush, hush.token);
    app = await createApp(admin, 'main');
    await put('staging', [
      { key: 'DEBUG', value: 'true' },
      { key: 'API_KEY', value: 'staging-api', path: '/backend' },
      { key: 'HOST', value: 'db' },
      { key: 'DB_URL', value: '${staging.HOST}:5432' },
    ]);
    await put('development', [
      { key: 'DB_USER', value: 'u' },
      { key: 'DB_HOST', value: 'h' },
      { key: 'DB_URL', value: 'pg://${DB_USER}@${DB_HOST}' },
      { key: 'X', value: '${staging.DEBUG}' },
      { key: 'Y', value: '${Staging./backend/API_KEY}' },
      { key: 'L0', value: 'L0' },
      { key: 'L1', value: '${L0}+L1' },
      { key: 'L2', value: '${L1}+L2' },
      { key: 'CROSS_NESTED', value: '${staging.DB_URL}' },
      { key: 'A', value: '${B}' },
      { key: 'B', value: '${A}' },
      { key: 'LITERALS', value: '${{RAILWAY_REF}} ${MISSING} ${prod.MISSING} ${nope::prod.K} ${db_host}' },
      { key: 'NESTED_PATH', value: 'n', path: '/deep/er' },
      { key: 'PATHREF', value: '${/deep/er/NESTED_PATH}|${deep/er/NESTED_PATH}' },
    ]);
  });
  after(() => hush.close());

  it('37 resolves local, cross-environment and path references', async () => {
    assert.equal(await value('development', 'DB_URL'), 'pg://u@h');
    assert.equal(await value('development', 'X'), 'true');
    assert.equal(await value('development', 'Y'), 'staging-api');
    assert.equal(await value('development', 'PATHREF'), 'n|n');
  });

  it('38 resolves nested references, across environments too', async () => {
    assert.equal(await value('development', 'L2'), 'L0+L1+L2');
    assert.equal(await value('development', 'CROSS_NESTED'), 'db:5432');
  });

  it('39-40 leaves cycles, unknown references, lower-case keys and ${{…}} as written', async () => {
    assert.equal(await value('development', 'A'), '${A}');
    assert.equal(await value('development', 'B'), '${B}');
    assert.equal(
      await value('development', 'LITERALS'),
      '${{RAILWAY_REF}} ${MISSING} ${prod.MISSING} ${nope::prod.K} ${db_host}',
    );
  });

  it('41 resolves across apps by name (case-insensitive), not when ambiguous or out of reach', async () => {
    const other = await createApp(admin, 'Billing');
    await put('production', [{ key: 'KEY', value: 'k' }], other.id);
    await put('development', [{ key: 'XAPP', value: '${billing::PRODUCTION.KEY}' }]);
    assert.equal(await value('development', 'XAPP'), 'k');
    const reader = phaseAs(
      hush,
      await userWithGrants(hush, 'dev-only', 'person', [
        { objectType: 'phase.secret', actions: ['view'], objectId: app.envs.development! },
      ]),
    );
    assert.equal(
      await value('development', 'XAPP', reader),
      '${billing::PRODUCTION.KEY}',
      'no access to Billing/Production',
    );
    assert.equal(await value('development', 'X', reader), '${staging.DEBUG}', 'no access to Staging');
    await createApp(admin, 'billing');
    assert.equal(await value('development', 'XAPP'), '${billing::PRODUCTION.KEY}', 'two apps named billing');
  });

  it('42 resolves references inside override values', async () => {
    const [s] = (
      await put('development', [
        { key: 'WITH_OVERRIDE', value: 'shared', override: { value: 'mine:${DB_USER}', isActive: true } },
      ])
    ).body;
    assert.equal(s.override.value, 'mine:u');
    assert.equal(
      (await admin('GET', `/v1/secrets/${q('development')}&key=WITH_OVERRIDE`)).body[0].override.value,
      'mine:u',
    );
  });
});
