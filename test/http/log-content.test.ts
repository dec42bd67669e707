import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import { after, describe, it } from 'node:test';
import { spawnServer } from '../helpers/process.js';
import { rawRequest } from '../helpers/raw-http.js';
import { randomToken, tempDir } from '../helpers/server.js';

/**
 * The promise of the log: no request content in any line, at any level. A real server at trace level gets bodies
 * carrying a marker on every engine (malformed JSON, wrong types, unknown fields, bad content types), plus requests
 * Node cannot parse; then its whole log is searched for the marker.
 */
describe('no request content in the log', () => {
  const dir = tempDir();
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps every body, header value and unparseable request out of a trace-level log', async () => {
    const token = randomToken();
    // Short: V8's JSON.parse messages quote up to about twenty characters of the body, then elide.
    const marker = `hunter2-${randomToken().slice(0, 8)}`;
    const server = await spawnServer(['--data-dir', dir], { HUSH_BOOTSTRAP_TOKEN: token, HUSH_LOG_LEVEL: 'trace' });
    const send = async (
      method: string,
      path: string,
      body: string,
      contentType = 'application/json',
      extra: Record<string, string> = {},
    ) => {
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: { authorization: `Token ${token}`, 'content-type': contentType, ...extra },
        body,
      });
      await res.text();
      // Refused, or (GraphQL) answered with errors; never a crash.
      assert.ok(res.status < 500, `${method} ${path} ${body.slice(0, 40)}: ${res.status}`);
      return res.status;
    };
    const json = (v: unknown) => JSON.stringify(v);
    try {
      const app = await fetch(`${server.url}/v1/apps/`, {
        method: 'POST',
        headers: { authorization: `Bearer User ${token}`, 'content-type': 'application/json' },
        body: json({ name: 'a' }),
      });
      const appId = ((await app.json()) as { id: string }).id;
      const phaseSecrets = `/v1/secrets/?app_id=${appId}&env=development`;
      const cases: [string, string, string, string?][] = [
        // The reported leak: the lists engine and GraphQL quoted the parser's message.
        ['POST', '/api/secrets/render', marker],
        ['POST', '/api/secrets/render', `{"template": "${marker}"`],
        ['POST', '/api/secrets/lists', json({ name: { [marker]: 1 } })],
        ['POST', '/api/secrets/lists', json({ name: 'x', [marker]: 1 })],
        ['POST', '/graphql/', json({ query: '{ secret_list { id } }', variables: `${marker}{` })],
        ['POST', '/graphql/', json({ query: `{ ${marker} }` })],
        // Every other engine, malformed and mistyped.
        ['POST', '/api/users/users/', marker],
        ['POST', '/api/users/users/', json({ username: `${marker} !` })],
        ['POST', '/api/users/users/', json({ username: 'ok', [marker]: 1 })],
        ['POST', '/api/users/tokens/provision/', json({ username: 'admin', password: 1, [marker]: marker })],
        ['POST', '/api/plugins/secrets/secrets/', marker],
        ['POST', '/api/plugins/secrets/secrets/', json({ name: { [marker]: 1 }, plaintext: [marker] })],
        ['POST', '/api/plugins/secrets/session-key/', json({ private_key: marker })],
        ['POST', '/api/secrets/get-session-key/', `private_key=${marker}`, 'application/x-www-form-urlencoded'],
        ['POST', '/auth/jwt/login.json', marker],
        ['POST', '/auth/jwt/login.json', json({ user_id: marker, challenge: marker })],
        ['POST', '/gpgkeys.json', json({ armored_key: marker })],
        ['POST', '/resources.json', json({ name: { [marker]: 1 } })],
        ['POST', phaseSecrets, marker],
        ['POST', phaseSecrets, json({ secrets: [{ key: marker, value: 'v', type: marker }] })],
        ['PUT', phaseSecrets, json({ secrets: [{ id: marker, key: marker }] })],
        // A content type the route does not take: its message quotes the header.
        ['POST', '/api/users/users/', json({ username: 'x' }), `application/${marker}`],
      ];
      for (const [method, path, body, type] of cases) await send(method, path, body, type);
      // A request id that is not an id is replaced, not logged.
      await send('POST', '/api/users/users/', marker, 'application/json', { 'x-request-id': `${marker} <script>` });
      // Requests Node cannot parse: their raw bytes (headers and body) must not be logged either.
      const unknownMethod = await rawRequest(
        server.url,
        `FOO /api/users/users/ HTTP/1.1\r\nAuthorization: Token ${marker}`,
        marker,
      );
      assert.equal(unknownMethod.status, 400);
      const hugeHeader = await rawRequest(server.url, `GET /healthz HTTP/1.1\r\nX-Filler: ${marker.repeat(2000)}`);
      assert.equal(hugeHeader.status, 431);
    } finally {
      await server.stop();
    }
    const log = server.stdout();
    // The log did record the refusals: the search below is over a log that saw every request.
    assert.ok((log.match(/"statusCode":4\d\d/g) ?? []).length >= 20, log.slice(-2000));
    // As text, and as the byte list a serialised Buffer becomes.
    for (const needle of [marker, [...Buffer.from(marker)].join(',')]) {
      const at = log.indexOf(needle);
      assert.equal(at, -1, `the log quotes request content: …${log.slice(Math.max(0, at - 300), at + 100)}…`);
    }
  });

  it('writes one "request completed" line per answer with only its fixed fields, no header or query value', async () => {
    const token = randomToken();
    const marker = `hunter2-${randomToken().slice(0, 8)}`;
    const own = tempDir();
    const server = await spawnServer(['--data-dir', own], { HUSH_BOOTSTRAP_TOKEN: token });
    try {
      const res = await fetch(`${server.url}/api/users/users/?username=${marker}`, {
        headers: {
          authorization: `Token ${token}`,
          'x-session-key': marker,
          cookie: `hush_session=${marker}`,
          'x-csrf-token': marker,
        },
      });
      await res.text();
      assert.equal(res.status, 200);
      const requestId = res.headers.get('x-request-id');
      let line: Record<string, unknown> | undefined;
      for (let i = 0; !line; i++) {
        assert.ok(i < 50, `no "request completed" line:\n${server.stdout().slice(-1500)}`);
        line = server
          .stdout()
          .split('\n')
          .filter((l) => l.includes('request completed'))
          .map((l) => JSON.parse(l) as Record<string, unknown>)
          .find((l) => l.reqId === requestId);
        if (!line) await new Promise((r) => setTimeout(r, 100));
      }
      assert.deepEqual(Object.keys(line), [
        'level',
        'time',
        'pid',
        'hostname',
        'reqId',
        'req',
        'res',
        'responseTime',
        'msg',
      ]);
      assert.deepEqual(line.req, { id: requestId, method: 'GET', path: '/api/users/users/', ip: '127.0.0.1' });
      assert.deepEqual(line.res, { statusCode: 200 });
      assert.equal(typeof line.responseTime, 'number');
      for (const needle of [marker, token])
        assert.ok(!server.stdout().includes(needle), 'no credential or query value');
    } finally {
      await server.stop();
      fs.rmSync(own, { recursive: true, force: true });
    }
  });

  it('logs a request the client abandoned before its answer as "request aborted"', async () => {
    const server = await spawnServer(['--data-dir', dir], { HUSH_BOOTSTRAP_TOKEN: randomToken() });
    try {
      // A body announced and never sent: the server waits for it, then the client hangs up.
      const { hostname, port } = new URL(server.url);
      await new Promise<void>((resolve, reject) => {
        const socket = net.connect(Number(port), hostname, () => {
          socket.write('POST /api/users/users/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n');
          socket.write('Content-Length: 100\r\n\r\n{"user');
          setTimeout(() => {
            socket.destroy();
            resolve();
          }, 300);
        });
        socket.on('error', reject);
      });
      for (let i = 0; !server.stdout().includes('request aborted'); i++) {
        assert.ok(i < 50, `no "request aborted" line:\n${server.stdout().slice(-1500)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const line = server
        .stdout()
        .split('\n')
        .find((l) => l.includes('request aborted'))!;
      assert.match(line, /"method":"POST","path":"\/api\/users\/users\/"/);
      assert.ok(!line.includes('"user'), 'no body in the line');
    } finally {
      await server.stop();
    }
  });
});
