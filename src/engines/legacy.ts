import type { Core } from '../core/index.js';
import type { EngineContext, EngineManifest, LegacyEngineContext, LegacyEngineManifest } from '../core/ports.js';

/** Set on every engine context while engines remain on the old shape; read only by `legacyEngine`. */
export const LEGACY_CORE = Symbol('legacy core');

/** Serves an engine written against the old manifest through the new contract (removed once none is left). */
export function legacyEngine(old: LegacyEngineManifest): EngineManifest {
  return {
    name: old.name,
    prefixes: old.prefixes,
    migrations: old.migrations,
    ...(old.objectTypes ? { objectTypes: old.objectTypes } : {}),
    auditEvents: {},
    legacy: true,
    create(ctx: EngineContext) {
      const core = (ctx as unknown as { [LEGACY_CORE]: Core })[LEGACY_CORE];
      const { name: _name, audit: _audit, ...rest } = ctx;
      const legacy: LegacyEngineContext = { ...rest, db: core.store.db, audit: core.audit, core };
      return {
        routes: old.routes(legacy),
        renderError: (e, r) => old.renderError(e, r),
        ...(old.extractCredential ? { extractCredential: old.extractCredential.bind(old) } : {}),
        ...(old.references ? { references: old.references(legacy) } : {}),
        ...(old.authenticator ? { authenticate: old.authenticator(legacy) } : {}),
      };
    },
  };
}
