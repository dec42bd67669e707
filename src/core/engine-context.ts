import type { Kysely } from 'kysely';
import type { AuditActor } from './audit/log.js';
import type { Core } from './index.js';
import type { UserId } from './ids.js';
import type { IdentityTables } from './identity/tables.js';
import type {
  EngineAudit,
  EngineAuditEvent,
  EngineContext,
  EngineManifest,
  IdentityPort,
  SessionPort,
} from './ports.js';
import type { ReferenceRegistry } from './references/registry.js';
import { createReferenceRegistry } from './references/registry.js';
import { createOverviewRegistry, type OverviewRegistry } from './overview.js';
import { HUSH_VERSION } from './version.js';
import type { AnyDb, Db } from './store/tx.js';

/**
 * Why an event may not be written for this engine (an action its `events.ts` does not declare, or another engine's
 * name on it), or undefined. The one check for changes (the audit port) and plaintext reads (the HTTP core's hook).
 */
export function undeclaredAuditEvent(
  manifest: Pick<EngineManifest, 'name' | 'auditEvents'>,
  declared: ReadonlySet<string>,
  event: Pick<EngineAuditEvent, 'action' | 'engine'>,
): string | undefined {
  if (!declared.has(event.action))
    return `Engine ${manifest.name} wrote audit action "${event.action}", which its events.ts does not declare.`;
  if (event.engine !== undefined && event.engine !== manifest.name)
    return `Engine ${manifest.name} wrote an audit event as "${event.engine}".`;
  return undefined;
}

/**
 * The engine's audit port: stamps its name on each event and refuses an action its `events.ts` does not declare,
 * so every name that reaches the log is one the registry (and its snapshot test) knows.
 */
function engineAudit(core: Core, manifest: Pick<EngineManifest, 'name' | 'auditEvents'>): EngineAudit {
  const declared = new Set(Object.values(manifest.auditEvents));
  const stamp = (events: readonly EngineAuditEvent[]) =>
    events.map((event) => {
      const problem = undeclaredAuditEvent(manifest, declared, event);
      if (problem) throw new Error(problem);
      return { ...event, engine: manifest.name };
    });
  return {
    appendWithin: (trx: AnyDb, actor: AuditActor, events: readonly EngineAuditEvent[]) =>
      core.audit.appendWithin(trx, actor, stamp(events)),
    append: (actor: AuditActor, events: readonly EngineAuditEvent[]) => core.audit.append(actor, stamp(events)),
  };
}

/** The admin engine's reach into the core's identity records: changes only through `identityAdmin`. */
function identityPort(core: Core, overview: OverviewRegistry): IdentityPort {
  return {
    identityAdmin: core.identityAdmin,
    users: core.users,
    tokens: core.tokens,
    permissions: core.permissions,
    objectTypes: core.objectTypes,
    audit: { list: (filter, page) => core.audit.list(filter, page), verify: () => core.audit.verify() },
    overview: { counts: (caller) => overview.counts(caller) },
  };
}

/**
 * Sessions opened in an engine's transaction: expired ones are cleared first, as the admin login does. They are the
 * engine's own: stamped with its name when opened, and accepted only by this port (never by the core's cookie).
 */
function sessionPort(core: Core, engine: string): SessionPort {
  const { sessions } = core;
  const identityDb = (trx: AnyDb) => trx as unknown as Db<IdentityTables>;
  return {
    async open(userId, trx) {
      await sessions.purgeExpired(identityDb(trx));
      return sessions.open(userId as UserId, identityDb(trx), engine);
    },
    authenticate: (secret, csrfToken, unsafe) => sessions.authenticate(secret, csrfToken, unsafe, engine),
    close: (sessionId, trx) => sessions.close(sessionId, identityDb(trx)),
    closeAllOf: (userId, trx) => sessions.closeEngineSessions(userId as UserId, engine, identityDb(trx)),
  };
}

/**
 * What one engine receives (see EngineContext in ports.ts): services, never key material, and a store handle
 * typed with the engine's own tables. Pass the registries the server fills with the engines' reference kinds and
 * overview counters; without them, templates can name nothing and the overview counts nothing.
 */
export function engineContext<Tables>(
  core: Core,
  manifest: Pick<EngineManifest, 'name' | 'auditEvents' | 'identity'>,
  references: ReferenceRegistry = createReferenceRegistry(),
  overview: OverviewRegistry = createOverviewRegistry(),
): EngineContext<Tables> {
  // The composed handle spans every engine's tables; the engine's view of it is narrowed to its own.
  const store = core.store.db as unknown as Kysely<Tables>;
  return {
    name: manifest.name,
    config: core.config,
    version: HUSH_VERSION,
    store: () => store,
    dialect: core.store.dialect,
    keyring: core.keyring,
    permissions: core.permissions,
    audit: engineAudit(core, manifest),
    versions: core.versions,
    idempotency: core.idempotency,
    references,
    users: core.users,
    tokens: core.tokens,
    sessions: sessionPort(core, manifest.name),
    gates: core.gates,
    ...(manifest.identity ? { identity: identityPort(core, overview) } : {}),
  };
}
