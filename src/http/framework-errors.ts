import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { EngineManifest } from '../core/ports.js';
import { sendError } from './errors.js';
import { NO_STORE, SECURITY_HEADERS } from './response-headers.js';

type Renderer = EngineManifest['renderError'];

/**
 * Errors Fastify meets before routing (a malformed percent-encoding, an overlong path segment): no hook runs for
 * them, so the headers every answer carries are set here, and the engine owning the path renders the error.
 */
export function frameworkErrorHandler(rendererFor: (path: string) => Renderer) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    reply.headers({ ...SECURITY_HEADERS, 'cache-control': NO_STORE, 'x-request-id': String(request.id) });
    return sendError(rendererFor((request.raw.url ?? '').split('?')[0] ?? ''), error, request, reply);
  };
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

/**
 * Requests Node cannot parse (unknown methods, headers over the size limit, garbage) never become requests, so no
 * engine sees them: the answer is written on the socket, with the same security headers as any other and a body
 * in the plain `{"detail"}` shape. The error itself is not logged: it holds the raw bytes received, headers and all.
 */
export function clientErrorHandler(this: FastifyInstance, error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, detail } = statusOfParseError(error.code);
  const id = randomUUID();
  this.log.debug({ reqId: id, code: error.code, status }, 'unparseable request refused');
  // As Node itself does: never write into a response already under way on this socket (a timeout mid-answer).
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const body = JSON.stringify({ detail });
    const headers = { ...SECURITY_HEADERS, 'cache-control': NO_STORE, 'x-request-id': id, 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)), connection: 'close' };
    const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head}\r\n${body}`);
  }
  socket.destroy();
}
