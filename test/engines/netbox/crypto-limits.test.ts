import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CryptoGate } from '../../../src/core/crypto-gate.js';
import { startHush, type RunningHush } from '../../helpers/server.js';
import { as, L, P, rsaPair, userWithGrants } from './helpers.js';

/** Occupies every slot of a real gate until `release()`, as long-running generations would. */
function fill(gate: CryptoGate) {
  const releases: (() => void)[] = [];
  const held = Array.from({ length: gate.max }, () =>
    gate.run(() => new Promise<void>((resolve) => releases.push(resolve))),
  );
  return async () => {
    for (const release of releases) release();
    await Promise.all(held);
  };
}

async function until(condition: () => boolean) {
  while (!condition()) await new Promise((r) => setTimeout(r, 10));
}

async function passwordUser(hush: RunningHush, username: string) {
  const res = await hush.request('POST', '/api/users/users/', { body: { username, password: `${username}-password` } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const token = await hush.request('POST', '/api/users/tokens/', { body: { user: res.body.id } });
  return { id: res.body.id as number, token: token.body.key as string };
}

const loginAs = (hush: RunningHush, username: string) =>
  hush.request('POST', '/api/users/login/', { token: null, body: { username, password: `${username}-password` } });

describe('expensive crypto is bounded', () => {
  let hush: RunningHush;
  before(async () => {
    hush = await startHush({
      env: {
        HUSH_KEYGEN_CONCURRENCY: '1',
        HUSH_KEYGEN_QUEUE: '1',
        HUSH_CRYPTO_CONCURRENCY: '1',
        HUSH_CRYPTO_QUEUE: '0',
        HUSH_KEYGEN_RATE_LIMIT: '100',
      },
    });
  });
  after(() => hush.close());

  it('answers 429 with Retry-After to key generations beyond the queue, and a password login still succeeds meanwhile', async () => {
    const plain = await passwordUser(hush, 'pat');
    const call = as(hush, plain.token);
    const gate = hush.app.core.gates.keyGeneration;
    const release = fill(gate);
    const queued = call('GET', `${P}/generate-rsa-key-pair/`);
    await until(() => gate.waiting === 1);
    const refused = await Promise.all([
      call('GET', `${P}/generate-rsa-key-pair/`),
      call('GET', `${L}/generate-rsa-key-pair/`),
      call('GET', `${P}/generate-rsa-key-pair/?key_size=3072`),
    ]);
    for (const res of refused) {
      assert.equal(res.status, 429);
      assert.deepEqual(res.body, { detail: 'The server is busy with other key generation; try again in 5 seconds.' });
      assert.equal(res.headers.get('retry-after'), '5');
    }
    const login = await loginAs(hush, 'pat');
    assert.equal(login.status, 200, JSON.stringify(login.body));
    assert.deepEqual([gate.active, gate.waiting], [1, 1], 'the gate was full throughout the login');
    await release();
    const generated = await queued;
    assert.deepEqual([generated.status, generated.body.key_size], [200, 2048]);
  });

  it('answers 429 to password logins and session-key unlocks while the credential gate is full, in each envelope', async () => {
    await passwordUser(hush, 'quinn');
    const gate = hush.app.core.gates.credentials;
    const release = fill(gate);
    const login = await loginAs(hush, 'quinn');
    assert.deepEqual(
      [login.status, login.body, login.headers.get('retry-after')],
      [429, { detail: 'The server is busy with other password and key checks; try again in 1 second.' }, '1'],
    );
    const provision = await hush.request('POST', '/api/users/tokens/provision/', {
      token: null,
      body: { username: 'quinn', password: 'quinn-password' },
    });
    assert.equal(provision.status, 429);
    const session = await as(hush, hush.token)('POST', `${P}/session-key/`, { private_key: rsaPair().privateKey });
    assert.equal(session.status, 429);
    await release();
    assert.equal((await loginAs(hush, 'quinn')).status, 200);
  });
});

describe('RSA key generation budgets', () => {
  let hush: RunningHush;
  before(async () => {
    hush = await startHush({ env: { HUSH_KEYGEN_RATE_LIMIT: '2' } });
  });
  after(() => hush.close());

  it('gives each user a budget per minute shared by both generate endpoints', async () => {
    const ann = as(hush, (await passwordUser(hush, 'ann')).token);
    const bob = as(hush, (await passwordUser(hush, 'bob')).token);
    assert.equal((await ann('GET', `${P}/generate-rsa-key-pair/`)).status, 200);
    assert.equal((await ann('GET', `${L}/generate-rsa-key-pair/`)).status, 200);
    const limited = await ann('GET', `${P}/generate-rsa-key-pair/`);
    assert.equal(limited.status, 429);
    assert.equal(typeof limited.body.detail, 'string');
    assert.match(limited.headers.get('retry-after') ?? '', /^\d+$/);
    assert.equal((await bob('GET', `${P}/generate-rsa-key-pair/`)).status, 200);
  });

  it('refuses key sizes over 4096 bits to callers who may not add user keys, naming key_size', async () => {
    const plain = as(hush, (await passwordUser(hush, 'cy')).token);
    for (const size of [8192, 4352]) {
      const res = await plain('GET', `${P}/generate-rsa-key-pair/?key_size=${size}`);
      assert.deepEqual(
        [res.status, res.body],
        [
          403,
          {
            error:
              'key_size over 4096 bits needs the permission to add user keys (netbox_secrets.userkey); use 4096 or less.',
          },
        ],
      );
    }
    const keyAdmin = as(
      hush,
      (await userWithGrants(hush, 'dee', [{ objectTypes: ['netbox_secrets.userkey'], actions: ['add'] }])).token,
    );
    const large = await keyAdmin('GET', `${P}/generate-rsa-key-pair/?key_size=4352`);
    assert.deepEqual([large.status, large.body.key_size], [200, 4352]);
  });
});
