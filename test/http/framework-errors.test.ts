import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { rawRequest, type RawResponse } from '../helpers/raw-http.js';
import { startHush, type RunningHush } from '../helpers/server.js';

/**
 * Answers the framework writes before any route or hook runs (bad URLs, overlong path segments, unknown methods,
 * oversized headers) get the same security headers, `Cache-Control: no-store` and engine envelope as every other
 * error, and never echo the path. Raw sockets send what fetch would refuse or rewrite.
 */
describe('framework-level errors', () => {
  let hush: RunningHush;
  let security: [string, string][];
  before(async () => {
    hush = await startHush();
    // The reference: what an ordinary routed answer carries.
    const routed = await fetch(`${hush.url}/healthz`);
    security = [...routed.headers].filter(
      ([name]) =>
        /^(x-|strict-transport|referrer-policy|cross-origin|origin-agent)/.test(name) && name !== 'x-request-id',
    );
    assert.ok(security.length >= 8, JSON.stringify(security));
  });
  after(() => hush.close());

  function assertSafe(res: RawResponse, what: string) {
    for (const [name, value] of security) assert.equal(res.headers[name], value, `${what}: ${name}`);
    assert.equal(res.headers['cache-control'], 'no-store', what);
    assert.match(res.headers['x-request-id'] ?? '', /^[0-9a-f-]{36}$/, what);
    assert.match(res.headers['content-type'] ?? '', /^application\/json/, what);
    assert.ok(!/FST_ERR|statusCode/.test(res.body), `${what}: ${res.body}`);
  }

  it("renders a malformed URL as 400 in the owning engine's envelope, without echoing it", async () => {
    const cases: [string, (body: any) => void][] = [
      ['/%zz', (b) => assert.deepEqual(Object.keys(b), ['detail'])],
      ['/api/users/%zz/', (b) => assert.deepEqual(Object.keys(b), ['detail'])],
      ['/api/plugins/secrets/secrets/%zz/', (b) => assert.deepEqual(Object.keys(b), ['detail'])],
      ['/v1/secrets/%zz', (b) => assert.deepEqual(Object.keys(b), ['error'])],
      ['/api/secrets/lists/%zz', (b) => assert.equal(b.error.code, 'invalid')],
      ['/resources/%zz.json', (b) => assert.deepEqual([b.header.status, b.header.code, b.body], ['error', 400, null])],
    ];
    for (const [path, envelope] of cases) {
      const res = await rawRequest(hush.url, `GET ${path} HTTP/1.1`);
      assert.equal(res.status, 400, `${path}: ${res.body}`);
      assertSafe(res, path);
      const body = JSON.parse(res.body);
      envelope(body);
      if (!path.startsWith('/resources/')) assert.ok(!res.body.includes('%zz'), `${path} echoed: ${res.body}`); // Passbolt's header.url is the request's, as upstream.
    }
    assert.equal(
      (await rawRequest(hush.url, 'GET /api/plugins/secrets/secrets/%zz/ HTTP/1.1')).headers['api-version'],
      '4.6',
    );
  });

  it('routes long path segments to their route, and answers 404 in the envelope beyond the limit', async () => {
    const long = 'a'.repeat(150);
    // Fastify's default limit (100) answered these 414 with its own body; now they reach their route.
    const netbox = await hush.request('GET', `/api/plugins/secrets/secrets/${long}/`);
    assert.deepEqual(
      [netbox.status, netbox.body, netbox.headers.get('api-version')],
      [404, { detail: 'Not found.' }, '4.6'],
    );
    const list = await hush.request('GET', `/api/secrets/lists/${'é'.repeat(100)}`);
    assert.equal(list.status, 404, JSON.stringify(list.body));
    assert.equal(list.body.error.code, 'not_found');

    const huge = 'b'.repeat(5000);
    for (const [path, envelope] of [
      [`/api/plugins/secrets/secrets/${huge}/`, 'detail'],
      [`/v1/apps/${huge}/`, 'error'],
      [`/resources/${huge}.json`, 'header'],
    ] as const) {
      const res = await rawRequest(hush.url, `GET ${path} HTTP/1.1`);
      assert.equal(res.status, 404, `${path.slice(0, 40)}: ${res.body.slice(0, 200)}`);
      assertSafe(res, path.slice(0, 40));
      assert.ok(envelope in JSON.parse(res.body), res.body.slice(0, 200));
      if (envelope !== 'header') assert.ok(!res.body.includes('bbbb'), res.body.slice(0, 200));
    }
  });

  it('answers an unknown method, a garbled request line and oversized headers with the same headers', async () => {
    const cases: [string, number][] = [
      ['FOO /api/users/users/ HTTP/1.1', 400],
      ['GET / HTTP/9.9\r\nBroken header line', 400],
      [`GET /healthz HTTP/1.1\r\nX-Filler: ${'x'.repeat(20_000)}`, 431],
      [`GET /${'u'.repeat(20_000)} HTTP/1.1`, 431],
    ];
    for (const [head, status] of cases) {
      const res = await rawRequest(hush.url, head);
      assert.equal(res.status, status, `${head.slice(0, 30)}: ${res.body}`);
      assertSafe(res, head.slice(0, 30));
      assert.equal(res.headers.connection, 'close');
      assert.deepEqual(Object.keys(JSON.parse(res.body)), ['detail']);
    }
  });

  it("answers methods no route takes with a 404 in the owning engine's envelope", async () => {
    for (const [path, key] of [
      ['/api/users/users/', 'detail'],
      ['/v1/apps/', 'error'],
      ['/resources.json', 'header'],
      ['/api/secrets/lists', 'error'],
    ] as const) {
      const res = await hush.request('PROPFIND', path);
      assert.equal(res.status, 404, `${path}: ${JSON.stringify(res.body)}`);
      assert.ok(key in res.body, JSON.stringify(res.body));
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    }
  });

  it("answers 404, not 500, for paths that climb out of the docs' static files", async () => {
    for (const path of [
      '/api/docs/static/../../package.json',
      '/api/docs/static/%2e%2e/%2e%2e/package.json',
      '/api/docs/static/..%2f..%2fpackage.json',
      '/api/docs/static/.hidden',
    ]) {
      const res = await rawRequest(hush.url, `GET ${path} HTTP/1.1`);
      assert.equal(res.status, 404, `${path}: ${res.body}`);
      assert.deepEqual(JSON.parse(res.body), { detail: 'Not found.' });
      assert.equal(res.headers['cache-control'], 'no-store');
    }
    const real = await fetch(`${hush.url}/api/docs/static/index.html`);
    assert.equal(real.status, 200);
  });
});
