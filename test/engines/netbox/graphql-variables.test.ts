import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHush, type RunningHush } from '../../helpers/server.js';

describe('netbox GraphQL variables', () => {
  let hush: RunningHush;
  before(async () => {
    hush = await startHush();
  });
  after(() => hush.close());

  const query = 'query Q($id: ID!) { secret(id: $id) { id } }';
  const post = (variables: unknown) =>
    hush.request('POST', '/graphql/', { body: { query: '{ secret_list { id } }', variables } });

  it('refuses variables that are not an object with a 400 naming the field', async () => {
    for (const variables of [1, true, [1], '1', '[1]', 'x{', 'hunter2']) {
      const res = await post(variables);
      assert.equal(res.status, 400, `${JSON.stringify(variables)}: ${JSON.stringify(res.body)}`);
      assert.deepEqual(Object.keys(res.body), ['variables']);
      assert.ok(!JSON.stringify(res.body).includes('hunter2'));
    }
    const get = await hush.request(
      'GET',
      `/graphql/?query=${encodeURIComponent('{ secret_list { id } }')}&variables=1`,
    );
    assert.equal(get.status, 400);
  });

  it('takes an object, null, nothing, or JSON text of an object', async () => {
    for (const variables of [{}, null, '', 'null', '{"id": "1"}', undefined]) {
      const res = await post(variables);
      assert.equal(res.status, 200, `${JSON.stringify(variables)}: ${JSON.stringify(res.body)}`);
      assert.deepEqual(res.body, { data: { secret_list: [] } });
    }
    const typed = await hush.request('POST', '/graphql/', { body: { query, variables: JSON.stringify({ id: '1' }) } });
    // The variable reached the resolver: secret 1 does not exist.
    assert.equal(typed.status, 200);
    assert.deepEqual(
      typed.body.errors.map((e: { message: string; path: string[] }) => [e.message, e.path]),
      [['Secret matching query does not exist.', ['secret']]],
    );
  });
});
