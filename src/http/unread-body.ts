import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';

/** The most of an unread body drained before answering; a bigger upload is cut off (and may see a reset). */
export const DRAIN_MAX_BYTES = 8 * 1024 * 1024;
/** How long an answer waits for the rest of an unread body. */
export const DRAIN_MAX_MS = 5_000;

/**
 * Reads and discards what is left of a request body nobody read (a GET with a body, a body refused before it was
 * read: 413, 415, 401) before the answer is written. Node ends a `Connection: close` socket right after the
 * answer; closing a socket with unread bytes in its receive buffer makes the kernel send a reset, and a client still
 * writing its body then sees ECONNRESET instead of the answer. A lingering close, as nginx and Apache do, bounded in
 * bytes and time so a client cannot hold the answer back for long.
 */
export function installUnreadBodyDrain(app: FastifyInstance): void {
  // Most requests have read their body (or had none): they pass without a promise (issue 18).
  app.addHook('onSend', (request, _reply, payload, done) => {
    if (bodyDone(request.raw)) done(null, payload);
    else void drainUnreadBody(request.raw).then(() => done(null, payload));
  });
}

const bodyDone = (raw: IncomingMessage) => raw.complete || raw.destroyed || raw.readableEnded;

/** Waits until `raw`'s body has been read to its end, discarding it, within the byte and time limits above. */
export async function drainUnreadBody(raw: IncomingMessage): Promise<void> {
  if (bodyDone(raw)) return;
  const declared = Number(raw.headers['content-length']);
  if (Number.isFinite(declared) && declared - raw.socket.bytesRead > DRAIN_MAX_BYTES) return;
  let drained = 0;
  const ended = new AbortController();
  const timer = setTimeout(() => ended.abort(), DRAIN_MAX_MS);
  raw.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_MAX_BYTES) ended.abort();
  });
  raw.resume();
  try {
    await Promise.race([once(raw, 'end', { signal: ended.signal }), once(raw, 'close', { signal: ended.signal })]);
  } catch {
    // Cut off (too long, too big) or the stream failed: answer anyway, the client may see a reset.
  } finally {
    clearTimeout(timer);
    ended.abort();
  }
}
