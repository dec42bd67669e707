import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHush, type RunningHush } from '../../helpers/server.js';
import { createApp, phaseAs, type PhaseCall } from './helpers.js';

const NOT_A_NAME =
  "'key' must be an environment variable name: letters, digits and '_' only, not starting with a digit.";

// Beyond Phase (which stores any text): a key that is not an environment variable name would break every shell and
// dotenv export of its environment, so it is refused where it enters, by each way of writing keys.
describe('phase: secret keys are environment variable names', () => {
  let hush: RunningHush;
  let admin: PhaseCall;
  let Q: string;
  before(async () => {
    hush = await startHush();
    admin = phaseAs(hush, hush.token);
    Q = `?app_id=${(await createApp(admin)).id}&env=development`;
  });
  after(() => hush.close());

  it('refuses other keys on create, update and import, naming the entry; stores nothing', async () => {
    for (const key of ['bad key', 'A-B', '1ABC', 'a.b', ' LEADING', 'ÜBER', 'A=B']) {
      const created = await admin('POST', `/v1/secrets/${Q}`, {
        secrets: [
          { key: 'FINE', value: '1' },
          { key, value: '2' },
        ],
      });
      assert.deepEqual([created.status, created.body.error, created.body.index], [400, NOT_A_NAME, 1], key);
      const imported = await admin('POST', `/v1/secrets/import/${Q}`, { secrets: [{ key, value: '2' }] });
      assert.deepEqual([imported.status, imported.body.error, imported.body.index], [400, NOT_A_NAME, 0], key);
    }
    assert.deepEqual((await admin('GET', `/v1/secrets/${Q}`)).body, []);
    const [s] = (await admin('POST', `/v1/secrets/${Q}`, { secrets: [{ key: 'RENAME_ME', value: '1' }] })).body;
    const renamed = await admin('PUT', `/v1/secrets/${Q}`, { secrets: [{ id: s.id, key: 'renamed key' }] });
    assert.deepEqual([renamed.status, renamed.body.error], [400, NOT_A_NAME]);
    assert.equal((await admin('GET', `/v1/secrets/${Q}&key=RENAME_ME`)).body.length, 1);
  });

  it('keeps what Phase clients send: lower case is upper-cased, digits and underscores anywhere but first', async () => {
    const res = await admin('POST', `/v1/secrets/${Q}`, {
      secrets: [
        { key: 'db_name', value: 'x' },
        { key: '_PRIVATE_2', value: 'y' },
        { key: 'NEXT_PUBLIC_API_URL', value: 'z' },
      ],
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(
      res.body.map((s: { key: string }) => s.key),
      ['DB_NAME', '_PRIVATE_2', 'NEXT_PUBLIC_API_URL'],
    );
  });
});
