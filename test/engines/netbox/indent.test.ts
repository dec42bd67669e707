import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { acceptedIndent } from '../../../src/http/netbox-rest.js';
import { startHush, type RunningHush } from '../../helpers/server.js';

describe('Accept: application/json; indent=N (the NetBox seeds’ curl examples)', () => {
  let hush: RunningHush;
  before(async () => {
    hush = await startHush();
  });
  after(() => hush.close());

  const get = async (path: string, accept?: string) => {
    const res = await fetch(new URL(path, hush.url), {
      headers: { authorization: `Token ${hush.token}`, ...(accept ? { accept } : {}) },
    });
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  };

  for (const path of ['/api/secrets/secret-roles/', '/api/plugins/secrets/secret-roles/', '/api/users/users/']) {
    it(`indents ${path} as asked and answers the same JSON`, async () => {
      const compact = await get(path);
      const pretty = await get(path, 'application/json; indent=4');
      assert.equal(pretty.status, 200);
      assert.match(String(pretty.type), /^application\/json/);
      assert.doesNotMatch(compact.text, /\n/);
      assert.match(pretty.text, /^\{\n {4}"count": /);
      assert.deepEqual(JSON.parse(pretty.text), JSON.parse(compact.text));
    });
  }

  it('indents error answers too', async () => {
    const res = await get('/api/secrets/secrets/999999/', 'application/json; indent=2');
    assert.equal(res.status, 404);
    assert.equal(res.text, '{\n  "detail": "No Secret matches the given query."\n}');
  });

  it('reads the parameter as DRF does: application/json only, capped at 8', () => {
    assert.equal(acceptedIndent('application/json; indent=4'), 4);
    assert.equal(acceptedIndent('text/html, application/json;indent="2"'), 2);
    assert.equal(acceptedIndent('application/json; indent=40'), 8);
    assert.equal(acceptedIndent('text/plain; indent=4'), undefined);
    assert.equal(acceptedIndent('application/json; indent=x'), undefined);
    assert.equal(acceptedIndent(undefined), undefined);
  });
});
