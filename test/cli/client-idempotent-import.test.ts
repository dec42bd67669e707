import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startClientFixture, type ClientFixture } from './client-helpers.js';

/**
 * A TCP proxy in front of the server that forwards every request, and for the import requests chosen by `drop`
 * throws the server's answer away and closes the client's connection: the import is committed, its answer lost.
 */
async function answerLosingProxy(target: string, drop: (importNumber: number) => boolean) {
  const { hostname, port } = new URL(target);
  const imports: string[] = [];
  const proxy = net.createServer((client) => {
    const upstream = net.connect(Number(port), hostname);
    let losing = false;
    client.on('data', (chunk) => {
      const head = chunk.toString('latin1');
      if (head.startsWith('POST /v1/secrets/import/')) {
        imports.push(/^idempotency-key: *(.*)$/im.exec(head)?.[1]?.trim() ?? '');
        losing = drop(imports.length);
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      // The server answers only once the import's transaction is over: this is the answer of a committed import.
      if (losing) {
        client.destroy();
        upstream.destroy();
      } else client.write(chunk);
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    for (const s of [client, upstream]) {
      s.on('error', close);
      s.on('close', close);
    }
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`,
    /** The Idempotency-Key of every import request that passed through, in order. */
    imports,
    close: () => new Promise<void>((resolve) => proxy.close(() => resolve())),
  };
}

describe('hush import when the connection drops after the server committed', () => {
  let f: ClientFixture;
  const at = ['--app', 'shop', '--env', 'development'];
  const stored = async (key: string) =>
    (await f.api('GET', `/v1/secrets/?app_id=${appId}&env=development&key=${key}`)).body.length as number;
  let appId: string;
  before(async () => {
    f = await startClientFixture();
    appId = (await f.createApp('shop')).id;
  });
  after(() => f.close());

  const importsAudited = async () =>
    (
      (await f.api('GET', '/api/core/audit-log/?engine=phase&action=secret.create&limit=1000')).body.results as {
        details: { via?: string };
      }[]
    ).filter((e) => e.details.via === 'import').length;

  it('retries once with the same Idempotency-Key and reports the import, applied exactly once', async () => {
    const proxy = await answerLosingProxy(f.server.url, (n) => n === 1);
    try {
      const file = path.join(f.dir, 'dropped.env');
      fs.writeFileSync(file, 'DROP_A=1\nDROP_B=2\nDROP_C=3\n');
      const before = await importsAudited();
      const r = await f.hush(['import', file, ...at], { HUSH_URL: proxy.url, HUSH_TOKEN: f.token });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /imported into shop\/Development: 3 created, 0 updated, 0 unchanged/);
      assert.match(
        r.stderr,
        /the connection broke after the request was sent .*sending it again with the same Idempotency-Key/,
      );
      assert.equal(proxy.imports.length, 2);
      assert.match(proxy.imports[0]!, /^[0-9a-f-]{36}$/);
      assert.equal(proxy.imports[1], proxy.imports[0]);
      assert.equal(await importsAudited(), before + 3, 'one import: three creations in the audit log');
      assert.equal(await stored('DROP_B'), 1);
    } finally {
      await proxy.close();
    }
  });

  it('says the outcome is unknown, and how to check, when the retry loses its answer too', async () => {
    const proxy = await answerLosingProxy(f.server.url, () => true);
    try {
      const before = await importsAudited();
      const r = await f.hush(['secrets', 'set', 'LOST_ANSWER=v', ...at], { HUSH_URL: proxy.url, HUSH_TOKEN: f.token });
      assert.equal(r.status, 8, r.stderr);
      assert.match(
        r.stderr,
        /sending it again got no answer either .*the server may or may not have applied the change\. Check with "hush secrets list --app shop --env Development"/,
      );
      assert.match(r.stderr, /audit log/);
      assert.doesNotMatch(r.stderr, /cannot reach the Hush server/);
      assert.equal(proxy.imports.length, 2);
      // It was applied, once: what the message sends the user to look at.
      assert.equal(await importsAudited(), before + 1);
      const listed = await f.hush(['secrets', 'get', 'LOST_ANSWER', ...at], {
        HUSH_URL: f.server.url,
        HUSH_TOKEN: f.token,
      });
      assert.equal(listed.stdout, 'v\n');
    } finally {
      await proxy.close();
    }
  });
});
