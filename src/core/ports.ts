import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { AuditEvent } from './audit/log.js';
import type { HushConfig } from './config.js';
import type { HushError } from './errors.js';
import type { IdempotencyClaim } from './idempotency/store.js';
import type { Caller } from './identity/caller.js';
import type { ObjectTypeSpec } from './identity/object-types.js';
import type { Core } from './index.js';
import type { MigrationSet } from './store/migrate.js';
import type { DialectCapabilities } from './store/dialect.js';
import type { ReferenceRegistry, ReferenceResolver } from './references/registry.js';

export type { Caller } from './identity/caller.js';
export type { ObjectTypeSpec } from './identity/object-types.js';
export { CRUD } from './identity/object-types.js';
export type { AuditActor, AuditEvent } from './audit/log.js';
export { readOfMany } from './audit/log.js';
export type { HushMigration, MigrationSet } from './store/migrate.js';
export type { DialectCapabilities } from './store/dialect.js';
export type { FieldCipher, FieldAddress } from './keyring/keyring.js';
export type { Db } from './store/tx.js';
export type { IdempotencyClaim } from './idempotency/store.js';
export type { ReferenceResolver, ReferenceRegistry } from './references/registry.js';
export type { TemplateReference } from './references/template.js';
export type { VersionTable, VersionTableSpec, StoredVersion } from './versions/versions.js';

/**
 * What an engine receives from the core. It holds services, never key material: ciphertexts are made and opened
 * through `keyring.cipher(table)`.
 */
export interface EngineContext {
  readonly config: HushConfig;
  /** Hush's own version, for status answers. */
  readonly version: string;
  /** The engine narrows this to its own tables: `ctx.db as Kysely<PhaseTables>`. Core tables are off limits. */
  readonly db: Core['store']['db'];
  readonly dialect: DialectCapabilities;
  readonly keyring: Pick<Core['keyring'], 'cipher' | 'randomHex' | 'keyedHash'>;
  readonly permissions: Pick<Core['permissions'], 'can' | 'require' | 'scope'>;
  readonly audit: Pick<Core['audit'], 'appendWithin' | 'append'>;
  /** Version history in the engine's own tables, sealed by the keyring (src/core/versions/versions.ts). */
  readonly versions: Core['versions'];
  /** Stores the answer of an `idempotent` route's change inside its transaction (src/core/idempotency/store.ts). */
  readonly idempotency: Pick<Core['idempotency'], 'prepare'>;
  /**
   * Template references across engines (`${{ kind.NAME }}`): every engine's `references` are registered here before
   * the first request, so any engine can render a template naming another engine's data.
   */
  readonly references: Pick<ReferenceRegistry, 'render' | 'kinds'>;
  /** Read-only look-ups of core users, for engines that show or pick users or mint callers from their own login flows. */
  readonly users: Pick<Core['users'], 'get' | 'findByUsername'>;
  /** Minting core tokens inside the engine's transaction, for engines whose clients need tokens of their own format. */
  readonly tokens: Pick<Core['tokens'], 'create'>;
  /** Bounds on expensive cryptography (core/crypto-gate.ts): key generation, and per-login key and password work. */
  readonly gates: Core['gates'];
  /** The whole core, for the admin engine only: it manages identity itself. Other engines must not use it. */
  readonly core: Core;
}

/** How a route says who may call it. Every route must declare one; the server refuses to start otherwise. */
export type RouteAccess =
  /** No credentials needed (status pages, login endpoints). */
  | 'public'
  /** Any authenticated caller; the handler checks finer permissions itself. */
  | 'authenticated'
  /** A permission on an object type; `action` defaults from the method (GET view, POST add, PUT/PATCH change, DELETE delete). */
  | { readonly objectType: string; readonly action?: string };

/** Per-route settings the core's hooks read (Fastify route `config`). */
export interface RouteRules {
  access: RouteAccess;
  /** Lets a read-only token make this unsafe request (NetBox's session-key endpoint does not write data). */
  allowReadOnlyToken?: boolean;
  /**
   * The response carries plaintext. The handler must record what it revealed with `recordPlaintextReads(request, …)`;
   * the core writes those entries before the reply leaves, and fails the request if it cannot.
   */
  returnsPlaintext?: boolean;
  /**
   * The route honours an `Idempotency-Key` header: a request repeating a key gets the stored answer instead of being
   * run again. The handler passes `request.idempotency` to `ctx.idempotency.prepare` and runs the step it returns in
   * the transaction of its change. The server refuses at boot a route that declares this and `returnsPlaintext`:
   * stored answers must hold no plaintext.
   */
  idempotent?: boolean;
}

/** One engine, as the core sees it: a manifest the server reads (docs/architecture.md §4). */
export interface EngineManifest {
  readonly name: string;
  /** URL prefixes the engine answers under; the longest match picks the engine that renders a 404. */
  readonly prefixes: readonly string[];
  readonly migrations: MigrationSet | undefined;
  /**
   * The permission object types the engine checks (route `access` rules, `permissions.can/require/scope`), with
   * their actions: the only ones grants may name. The server refuses to start on a route whose rule names another.
   */
  readonly objectTypes?: readonly ObjectTypeSpec[];
  /** The engine's routes, registered in an encapsulated context with the core's hooks already installed. */
  readonly routes: (ctx: EngineContext) => FastifyPluginAsync;
  /** Renders any error in the engine's wire envelope. */
  renderError(error: HushError, request: FastifyRequest): { status: number; body: unknown; headers?: Record<string, string> };
  /** Finds the credential in a request when the engine's clients send it some other way than `Token`/`Bearer`. */
  extractCredential?(request: FastifyRequest): string | undefined;
  /** The template reference kinds the engine answers (e.g. the lists engine's `secret` in `${{ secret.NAME }}`). */
  references?(ctx: EngineContext): readonly ReferenceResolver[];
  /**
   * Recognises a credential of the engine's own login flow (e.g. Passbolt's JWT access tokens) and returns its
   * caller, or null for "mine, but no caller" (an expired token on a public route); undefined lets the core try its
   * API tokens and sessions. Built once per server from the context.
   */
  readonly authenticator?: (ctx: EngineContext) => (request: FastifyRequest) => Promise<Caller | null | undefined>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    hush?: RouteRules;
  }
  interface FastifyRequest {
    /** Set by the core before the handler runs; null only on `public` routes called without credentials. */
    caller: Caller | null;
    /** Plaintext reveals to audit, set through `recordPlaintextReads`; see RouteRules.returnsPlaintext. */
    auditReads: AuditEvent[] | undefined;
    /** On `idempotent` routes: the request's Idempotency-Key, checked and not used before; else undefined. */
    idempotency: IdempotencyClaim | undefined;
  }
}
