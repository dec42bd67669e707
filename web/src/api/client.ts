import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

/**
 * The typed client of Hush's HTTP API, generated from the server's own OpenAPI document (schema.d.ts, see
 * README.md): a path, parameter or answer the server does not have is a compile error here.
 *
 * Credentials: the login session's HttpOnly cookie, which the browser sends by itself, plus the session's CSRF token
 * in `X-CSRF-Token` on every unsafe request. The token is kept in memory and in this tab's sessionStorage, so a
 * reload keeps working; it is no credential on its own (without the cookie it is worthless) and it dies with the
 * session. No secret value is ever stored anywhere but in memory.
 */

/** Hush's root: the console lives at `<root>/ui/`, so the API is one level up (also behind a path-mounting proxy). */
export const apiRoot = new URL('../', window.location.href).href.replace(/\/$/, '');

const CSRF_KEY = 'hush.csrf';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
let csrfToken: string | null = sessionStorage.getItem(CSRF_KEY);
const refusedListeners = new Set<() => void>();

export const csrf = {
  get: () => csrfToken,
  set(token: string | null) {
    csrfToken = token;
    if (token) sessionStorage.setItem(CSRF_KEY, token);
    else sessionStorage.removeItem(CSRF_KEY);
  },
};

/**
 * Called when the server refuses a request (401, or 403: the NetBox-style admin API answers a missing or expired
 * session with 403): the session may have expired or been closed elsewhere, which the session layer then checks.
 */
export function onAuthRefused(listener: () => void): () => void {
  refusedListeners.add(listener);
  return () => {
    refusedListeners.delete(listener);
  };
}

const session: Middleware = {
  onRequest({ request }) {
    if (!SAFE.has(request.method) && csrfToken) request.headers.set('X-CSRF-Token', csrfToken);
    return request;
  },
  onResponse({ request, response }) {
    // The session's own requests report their failures themselves.
    const own = /\/api\/users\/(login|logout|me|me\/access)\/$/.test(new URL(request.url).pathname);
    if ((response.status === 401 || response.status === 403) && !own) for (const l of refusedListeners) l();
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: apiRoot, credentials: 'same-origin' });
api.use(session);

/**
 * Phase's routes read their bodies as raw JSON text (docs/wire/phase.md), so the document gives them no request
 * schema and openapi-fetch types their `body` as `never`: the console's own types for those bodies (phase.ts) are
 * passed through this.
 */
export const untypedBody = <T>(body: T): never => body as never;
