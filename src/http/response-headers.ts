import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * The security headers of every answer: those the routed requests get from a hook, and those the framework writes
 * itself before any hook runs (bad URLs, oversized headers). Values as helmet's defaults without a
 * Content-Security-Policy, which a JSON API does not need; the docs UI sets its own.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
});

/** Secrets must not linger in browser or proxy caches; a route may say otherwise for its own answers. */
export const NO_STORE = 'no-store';

// What load balancers and tracing proxies send: UUIDs, hex, dotted or colon-separated ids. Anything else (spaces,
// quotes, control characters, kilobytes of text) would be copied into the audit log and every log line.
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request id: the client's `X-Request-ID` when it is a plausible id, else a fresh UUID. */
export function requestIdOf(request: Pick<IncomingMessage, 'headers'>): string {
  const supplied = request.headers['x-request-id'];
  return typeof supplied === 'string' && REQUEST_ID.test(supplied) ? supplied : randomUUID();
}
