import { invalid } from './errors.js';

/**
 * How much one client, one user or the whole process may ask of a server: socket timeouts and the connection cap
 * (against slow and piled-up clients), and the bounds on expensive cryptography (see crypto-gate.ts). Read from
 * `HUSH_*` variables by `loadConfig`; the defaults suit one process on a small machine.
 */
export interface LimitsConfig {
  /** Seconds a client has to send a request's headers, from the moment it connects or starts the request. */
  readonly headersTimeoutSeconds: number;
  /** Seconds a client has to send a whole request, headers and body; a slower one gets 408 and is disconnected. */
  readonly requestTimeoutSeconds: number;
  /** Seconds an idle keep-alive connection stays open between requests. */
  readonly keepAliveTimeoutSeconds: number;
  /** Open connections the process accepts; further ones are closed at once. */
  readonly maxConnections: number;
  /** RSA key generations running at once, and waiting beyond those before a 429. */
  readonly keyGeneration: { readonly concurrency: number; readonly queue: number };
  /** scrypt, NetBox session-key unlocks and Passbolt login challenges running at once, and waiting beyond those. */
  readonly crypto: { readonly concurrency: number; readonly queue: number };
  /** RSA key pairs one user may have generated per minute. */
  readonly keyGenerationRateLimit: number;
  /** Passbolt JWT refreshes per client address per minute. */
  readonly jwtRefreshRateLimit: number;
}

type Env = Readonly<Record<string, string | undefined>>;

function seconds(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || n > 86_400)
    throw invalid(name, `must be a number of seconds above 0 and at most 86400, got "${raw}"`);
  return n;
}

function count(env: Env, name: string, fallback: number, min: 0 | 1): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > 1_000_000)
    throw invalid(name, `must be a whole number from ${min} to 1000000, got "${raw}"`);
  return n;
}

export function loadLimits(env: Env): LimitsConfig {
  const requestTimeoutSeconds = seconds(env, 'HUSH_REQUEST_TIMEOUT', 30);
  const headersTimeoutSeconds = seconds(env, 'HUSH_HEADERS_TIMEOUT', Math.min(10, requestTimeoutSeconds));
  // Node refuses a headers timeout longer than the request timeout: say so in our terms, before the server starts.
  if (headersTimeoutSeconds > requestTimeoutSeconds) {
    throw invalid(
      'HUSH_HEADERS_TIMEOUT',
      `must not exceed HUSH_REQUEST_TIMEOUT (${requestTimeoutSeconds} seconds), got ${headersTimeoutSeconds}`,
    );
  }
  return Object.freeze({
    headersTimeoutSeconds,
    requestTimeoutSeconds,
    // Longer than the 60-second idle timeout of common load balancers, so they never reuse a connection we closed.
    keepAliveTimeoutSeconds: seconds(env, 'HUSH_KEEP_ALIVE_TIMEOUT', 72),
    maxConnections: count(env, 'HUSH_MAX_CONNECTIONS', 1024, 1),
    // One key generation and two credential checks leave one of libuv's four worker threads for file and DNS work.
    keyGeneration: Object.freeze({
      concurrency: count(env, 'HUSH_KEYGEN_CONCURRENCY', 1, 1),
      queue: count(env, 'HUSH_KEYGEN_QUEUE', 4, 0),
    }),
    crypto: Object.freeze({
      concurrency: count(env, 'HUSH_CRYPTO_CONCURRENCY', 2, 1),
      queue: count(env, 'HUSH_CRYPTO_QUEUE', 32, 0),
    }),
    keyGenerationRateLimit: count(env, 'HUSH_KEYGEN_RATE_LIMIT', 10, 1),
    // Passbolt clients refresh every few minutes each: room for a few hundred users behind one address.
    jwtRefreshRateLimit: count(env, 'HUSH_JWT_REFRESH_RATE_LIMIT', 60, 1),
  });
}
