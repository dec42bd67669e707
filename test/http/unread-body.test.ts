import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startHush, type RunningHush } from '../helpers/server.js';

interface Outcome {
  received: string;
  /** The socket error the client saw, if any (a reset when the server closed with the body unread). */
  error?: string;
}

/**
 * Sends the head and the body at once, as an HTTP client does: the server may answer as soon as it has the head,
 * and one that then closes with bytes of the body unread resets the connection under the client's writes.
 */
function upload(port: number, head: string, body: Buffer): Promise<Outcome> {
  return new Promise((resolve) => {
    let received = '';
    let error: string | undefined;
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(head);
      socket.write(body);
    });
    socket.on('data', (d) => (received += d.toString('latin1')));
    socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
    socket.on('close', () => resolve({ received, ...(error ? { error } : {}) }));
  });
}

const statusOf = (received: string) => /^HTTP\/1\.1 (\d{3})/.exec(received)?.[1];

describe('a request body the server does not read', () => {
  let hush: RunningHush;
  let port: number;
  before(async () => {
    hush = await startHush();
    port = Number(new URL(hush.url).port);
  });
  after(() => hush.close());

  it('is drained before a GET is answered, so the client gets the answer, not a reset', async () => {
    const body = Buffer.alloc(6 * 1024 * 1024, '[');
    const head =
      `GET /api/status/ HTTP/1.1\r\nHost: hush\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${body.length}\r\n\r\n`;
    const outcome = await upload(port, head, body);
    assert.equal(outcome.error, undefined, `the client saw ${outcome.error}`);
    assert.equal(statusOf(outcome.received), '200');
    assert.match(outcome.received, /"hush-version"/);
  });

  it('is drained before a body over the limit is refused with 413', async () => {
    const body = Buffer.alloc(6 * 1024 * 1024, 'x');
    const head =
      `POST /api/users/tokens/ HTTP/1.1\r\nHost: hush\r\nConnection: close\r\nAuthorization: Token ${hush.token}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    const outcome = await upload(port, head, body);
    assert.equal(outcome.error, undefined, `the client saw ${outcome.error}`);
    assert.equal(statusOf(outcome.received), '413');
  });

  it('is drained after a request Node cannot parse (a raw byte in the path) is answered with 400', async () => {
    const body = Buffer.alloc(6 * 1024 * 1024, 'x');
    const head =
      `DELETE /api/dcim/devices/\xc3(/ HTTP/1.1\r\nHost: hush\r\nConnection: close\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    const outcome = await upload(port, head, body);
    assert.equal(outcome.error, undefined, `the client saw ${outcome.error}`);
    assert.equal(statusOf(outcome.received), '400');
  });

  it('is drained after headers over the limit are refused with 431', async () => {
    const body = Buffer.alloc(6 * 1024 * 1024, 'x');
    const head =
      `POST /api/users/tokens/?x=${'q'.repeat(20_000)} HTTP/1.1\r\nHost: hush\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    const outcome = await upload(port, head, body);
    assert.equal(outcome.error, undefined, `the client saw ${outcome.error}`);
    assert.equal(statusOf(outcome.received), '431');
  });

  it('is not waited for when the declared upload is beyond the drain limit', async () => {
    const socket = net.connect(port, '127.0.0.1');
    const started = Date.now();
    const received = await new Promise<string>((resolve) => {
      let text = '';
      socket.on('connect', () =>
        socket.write(
          `POST /api/users/tokens/ HTTP/1.1\r\nHost: hush\r\nConnection: close\r\nAuthorization: Token ${hush.token}\r\n` +
            `Content-Type: application/json\r\nContent-Length: ${1024 * 1024 * 1024}\r\n\r\n`,
        ),
      );
      socket.on('data', (d) => (text += d.toString('latin1')));
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(text));
    });
    assert.equal(statusOf(received), '413');
    // A drain would have held the answer for its whole time limit (5 s), waiting for bytes that never come.
    assert.ok(Date.now() - started < 4_000, `answered after ${Date.now() - started} ms`);
  });
});
