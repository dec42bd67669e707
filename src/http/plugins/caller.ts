import type { FastifyInstance, FastifyRequest } from 'fastify';
import { forbidden, HushError, unauthenticated } from '../../core/errors.js';
import type { ObjectTypeRegistry } from '../../core/identity/object-types.js';
import type { Core } from '../../core/index.js';
import { CsrfHeader, SessionCookie } from '../../core/names.js';
import type { Caller, EngineInstance, RouteRules } from '../../core/ports.js';
import { defaultCredential } from '../credentials.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** NetBox's mapping from HTTP method to model action. */
export function actionForMethod(method: string): string {
  switch (method) {
    case 'POST':
      return 'add';
    case 'PUT':
    case 'PATCH':
      return 'change';
    case 'DELETE':
      return 'delete';
    default:
      return 'view';
  }
}

/**
 * Refuses at boot a route that does not say who may call it (no endpoint can forget its permission check), or whose
 * rule names an object type and action no manifest declares (nobody could be granted it).
 */
export function requireDeclaredAccess(
  scope: FastifyInstance,
  owner: string,
  objectTypes: Pick<ObjectTypeRegistry, 'declares'>,
  /** `changes`: every unsafe route must also say whether it changes data (RouteRules.changesData). */
  require: { changes: boolean } = { changes: false },
): void {
  scope.addHook('onRoute', (route) => {
    const rules = (route.config as { hush?: RouteRules } | undefined)?.hush;
    if (!rules?.access)
      throw new Error(`Route ${route.method} ${route.url} of ${owner} declares no access rule (config.hush.access).`);
    const unsafe = [route.method].flat().some((m) => !SAFE_METHODS.has(m));
    if (require.changes && unsafe && typeof rules.changesData !== 'boolean') {
      throw new Error(
        `Route ${route.method} ${route.url} of ${owner} does not say whether it changes data (config.hush.changesData).`,
      );
    }
    if (rules.changesData && !unsafe)
      throw new Error(`Route ${route.method} ${route.url} of ${owner} is a read and cannot declare changesData.`);
    const access = rules.access;
    if (typeof access !== 'object') return;
    for (const method of [route.method].flat()) {
      const action = access.action ?? actionForMethod(method);
      if (!objectTypes.declares(access.objectType, action)) {
        throw new Error(
          `Route ${method} ${route.url} of ${owner} checks "${action}" on "${access.objectType}", which no engine declares (EngineManifest.objectTypes).`,
        );
      }
    }
  });
}

/**
 * Refuses at boot a route outside the prefixes its engine declares: the prefixes decide which engine renders an
 * unrouted path's error, so a route elsewhere would answer in one envelope and its neighbours in another.
 */
export function requireOwnPrefix(scope: FastifyInstance, owner: string, prefixes: readonly string[]): void {
  scope.addHook('onRoute', (route) => {
    const inside = prefixes.some((p) => route.url.startsWith(p) || `${route.url}/` === p);
    if (!inside)
      throw new Error(
        `Route ${route.method} ${route.url} of ${owner} is outside its declared prefixes (${prefixes.join(', ')}).`,
      );
  });
}

async function resolveCaller(core: Core, request: FastifyRequest, extract: EngineInstance['extractCredential']) {
  const credential = extract?.(request) ?? defaultCredential(request);
  if (credential !== undefined) return core.tokens.authenticate(credential);
  const session = request.cookies?.[SessionCookie];
  if (session) {
    const csrf = request.headers[CsrfHeader];
    return core.sessions.authenticate(
      session,
      typeof csrf === 'string' ? csrf : undefined,
      !SAFE_METHODS.has(request.method),
    );
  }
  return null;
}

/**
 * Establishes `request.caller` and enforces the route's declared access before the body is even parsed:
 * credentials, the read-only flag of tokens, and object-type permissions.
 */
export function installCaller(
  scope: FastifyInstance,
  core: Core,
  /** The engine (or 'system') whose routes this scope holds, for tokens confined to one engine. */
  scopeName: string,
  extract?: EngineInstance['extractCredential'],
  authenticate?: (request: FastifyRequest) => Promise<Caller | null | undefined>,
  /**
   * Public routes of this scope never look at credentials: probes (`/`, `/healthz`, `/readyz`) answer whatever
   * header a client sends, as they did when Phase served `/` with its own credential styles.
   */
  options: { publicIgnoresCredentials?: boolean } = {},
): void {
  scope.addHook('onRequest', async (request) => {
    request.auditReads = undefined;
    const rules = request.routeOptions.config.hush;
    if (!rules) return; // not-found handling; no route, nothing to protect
    if (rules.access === 'public' && options.publicIgnoresCredentials) return;
    const own = await authenticate?.(request);
    request.caller = own !== undefined ? own : await resolveCaller(core, request, extract);
    if (rules.access === 'public') return;
    const caller = request.caller;
    if (!caller) throw unauthenticated('Authentication credentials were not provided.', 'credentials_missing');
    if (caller.tokenEngine && caller.tokenEngine !== scopeName) {
      throw forbidden(`This token is confined to the ${caller.tokenEngine} API.`, 'token_other_engine');
    }
    if (!SAFE_METHODS.has(request.method) && !caller.writeEnabled && !rules.allowReadOnlyToken) {
      throw forbidden(
        'This token is read-only (write_enabled is false); use a write-enabled token for changes.',
        'token_read_only',
      );
    }
    if (typeof rules.access === 'object') {
      await core.permissions.require(
        caller,
        rules.access.action ?? actionForMethod(request.method),
        rules.access.objectType,
      );
    }
  });
}

/** The caller of a route that is not `public`; the core guarantees it is set. */
export function callerOf(request: FastifyRequest) {
  if (!request.caller) throw new HushError('internal', 'Route reached without a caller.');
  return request.caller;
}
