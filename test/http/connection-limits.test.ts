import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startHush, type RunningHush } from '../helpers/server.js';

interface Outcome {
  /** What the server wrote before it closed the socket. */
  received: string;
  /** Bytes of the request the client managed to send. */
  sent: number;
}

/**
 * A client on a real socket that sends `head` at once, then drips `drip` one byte every 50 ms, and reports what
 * happened once the server closes the connection. The drip would take far longer than any timeout under test.
 */
function slowClient(port: number, head: string, drip: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    let received = '';
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(head);
      sent += head.length;
      let i = 0;
      timer = setInterval(() => {
        if (i >= drip.length) return clearInterval(timer);
        socket.write(drip[i++]!);
        sent++;
      }, 50);
    });
    socket.on('data', (d) => (received += d));
    socket.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'ECONNRESET' && e.code !== 'EPIPE') reject(e);
    });
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ received, sent });
    });
  });
}

const statusOf = (received: string) => /^HTTP\/1\.1 (\d{3})/.exec(received)?.[1];

/** Opens a connection and completes one keep-alive request on it, so the server has surely accepted it. */
function openConnection(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write('GET /healthz HTTP/1.1\r\nHost: hush\r\n\r\n'));
    socket.once('data', (d) => (statusOf(d.toString()) === '200' ? resolve(socket) : reject(new Error(d.toString()))));
    socket.once('close', () => reject(new Error('closed before answering')));
    socket.on('error', reject);
  });
}

describe('slow and surplus connections', () => {
  let hush: RunningHush;
  let port: number;
  before(async () => {
    hush = await startHush({
      env: { HUSH_HEADERS_TIMEOUT: '1', HUSH_REQUEST_TIMEOUT: '2', HUSH_MAX_CONNECTIONS: '3' },
    });
    port = Number(new URL(hush.url).port);
  });
  after(() => hush.close());

  const guard = { timeout: 60_000 };
  const connections = () =>
    new Promise<number>((resolve, reject) =>
      hush.app.server.server.getConnections((e, n) => (e ? reject(e) : resolve(n))),
    );
  // The server counts a connection closed once it has seen the close, a moment after the client's destroy().
  const connectionsBelow = async (n: number) => {
    while ((await connections()) >= n) await new Promise((r) => setTimeout(r, 10));
  };

  it('cuts off a drip-fed body on an anonymous route with 408', guard, async () => {
    const body = JSON.stringify({ username: 'nobody', password: 'x'.repeat(2000) });
    const head = `POST /api/users/tokens/provision/ HTTP/1.1\r\nHost: hush\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    const outcome = await slowClient(port, head, body);
    assert.ok(
      outcome.sent < head.length + body.length,
      'the server closed the connection before the body was complete',
    );
    assert.equal(statusOf(outcome.received), '408');
  });

  it('cuts off drip-fed headers, and a connection that never says anything', guard, async () => {
    const [headers, silent] = await Promise.all([
      slowClient(port, 'GET /healthz HTTP/1.1\r\n', `X-Slow: ${'a'.repeat(2000)}\r\n\r\n`),
      slowClient(port, '', ''),
    ]);
    assert.equal(statusOf(headers.received), '408');
    assert.ok(!headers.received.includes('"status"'), 'the request never reached a handler');
    assert.ok(silent.received === '' || statusOf(silent.received) === '408', silent.received);
  });

  it('refuses connections beyond HUSH_MAX_CONNECTIONS, and accepts again once one closes', guard, async () => {
    const open = [await openConnection(port), await openConnection(port), await openConnection(port)];
    const surplus = await slowClient(port, 'GET /healthz HTTP/1.1\r\nHost: hush\r\n\r\n', '');
    assert.equal(surplus.received, '', 'the surplus connection was closed unanswered');
    open.pop()!.destroy();
    await connectionsBelow(3);
    const again = await openConnection(port);
    for (const s of [...open, again]) s.destroy();
    await connectionsBelow(1);
  });

  it('still serves an ordinary request', async () => {
    assert.equal((await hush.request('GET', '/healthz')).status, 200);
  });
});
