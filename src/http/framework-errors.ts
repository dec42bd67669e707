import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { EngineInstance } from '../core/ports.js';
import { HushError } from '../core/errors.js';
import { sendError } from './errors.js';
import { DRAIN_MAX_BYTES, DRAIN_MAX_MS, drainUnreadBody } from './unread-body.js';
import { NO_STORE, SECURITY_HEADERS } from './response-headers.js';

type Renderer = EngineInstance['renderError'];

/**
 * Errors Fastify meets before routing (a malformed percent-encoding, an overlong path segment): no hook runs for
 * them, so the headers every answer carries are set here, and the engine owning the path renders the error.
 */
export function frameworkErrorHandler(rendererFor: (path: string) => Renderer) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    reply.headers({ ...SECURITY_HEADERS, 'cache-control': NO_STORE, 'x-request-id': String(request.id) });
    // No hook runs here, so the unread body is drained as the onSend hook does for routed requests. Fastify does not
    // await this handler; sendError answers whatever happens, so nothing is left to reject.
    void drainUnreadBody(request.raw).then(() =>
      sendError(rendererFor((request.raw.url ?? '').split('?')[0] ?? ''), error, request, reply),
    );
  };
}

/** Sockets answered by the client error handler: the parser may report the same error again for later bytes. */
const answered = new WeakSet<Socket>();

/**
 * Ends the socket after its answer but goes on reading (and discarding) what the client is still sending, within
 * the drain limits, so the close is not a reset that destroys the answer in the client's receive buffer.
 */
function lingerThenClose(socket: Socket): void {
  answered.add(socket);
  // The parser can read nothing more of this connection.
  socket.removeAllListeners('data');
  let drained = 0;
  const timer = setTimeout(() => socket.destroy(), DRAIN_MAX_MS);
  socket.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_MAX_BYTES) socket.destroy();
  });
  socket.once('close', () => clearTimeout(timer));
  socket.end();
  socket.resume();
}

/** What Node's HTTP parser could not read, by its error code; the rest is a plain bad request. */
function statusOfParseError(code: string | undefined): { status: number; detail: string } {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, detail: 'Request header fields (or the URL) are too large.' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, detail: 'The request took too long to arrive.' };
    case 'HPE_INVALID_METHOD':
      return { status: 400, detail: 'Unknown HTTP method.' };
    default:
      return { status: 400, detail: 'Malformed HTTP request.' };
  }
}

/** The method and target of the request line, when the parser got that far (its bytes are in `rawPacket`). */
function requestLineOf(error: { rawPacket?: unknown }): { method: string; target: string } | undefined {
  if (!Buffer.isBuffer(error.rawPacket)) return undefined;
  const match = /^([A-Z]{1,20}) (\/[^\s]*)/.exec(error.rawPacket.subarray(0, 8192).toString('latin1'));
  // An envelope that echoes the URL (Passbolt's) gets a bounded one: the target may be what was too large.
  return match ? { method: match[1]!, target: match[2]!.slice(0, 2048) } : undefined;
}

/**
 * Requests Node cannot parse (unknown methods, headers over the size limit, garbage) never become requests, so no
 * hook runs for them: the answer is written on the socket, with the same security headers as any other, in the
 * envelope of the engine owning the path when the request line was read (else the plain `{"detail"}` shape), and
 * without a body for HEAD. The error itself is not logged: it holds the raw bytes received, headers and all.
 */
export function clientErrorHandler(rendererFor: (path: string) => Renderer) {
  return function onClientError(
    this: FastifyInstance,
    error: Error & { code?: string; rawPacket?: unknown },
    socket: Socket,
  ): void {
    if (error.code === 'ECONNRESET' || socket.destroyed || answered.has(socket)) return;
    const { status, detail } = statusOfParseError(error.code);
    const id = randomUUID();
    this.log.debug({ reqId: id, code: error.code, status }, 'unparseable request refused');
    // As Node itself does: never write into a response already under way on this socket (a timeout mid-answer).
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (socket.writable && !inFlight?.headersSent) {
      const line = requestLineOf(error);
      let payload: unknown = { detail };
      if (line) {
        // Renderers read only the URL, the method and (for Passbolt's action id) the route, which there is none of.
        const request = {
          id,
          url: line.target,
          method: line.method,
          routeOptions: undefined,
        } as unknown as FastifyRequest;
        payload = rendererFor(line.target.split('?')[0] ?? '')(
          new HushError('invalid', detail, { status }),
          request,
        ).body;
      }
      // A renderer may hand back its body already encoded (Passbolt spells JSON as PHP does).
      const body = line?.method === 'HEAD' ? '' : typeof payload === 'string' ? payload : JSON.stringify(payload);
      const headers = {
        ...SECURITY_HEADERS,
        'cache-control': NO_STORE,
        'x-request-id': id,
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(Buffer.byteLength(body)),
        connection: 'close',
      };
      const head = Object.entries(headers)
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('');
      socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head}\r\n${body}`);
      // A client too slow to send its request gets no more time; any other gets its answer before the close.
      if (error.code !== 'ERR_HTTP_REQUEST_TIMEOUT') return lingerThenClose(socket);
    }
    socket.destroy();
  };
}
