import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { AuditActor, AuditEvent } from './audit/log.js';
import type { HushConfig } from './config.js';
import type { HushError } from './errors.js';
import type { IdempotencyClaim } from './idempotency/store.js';
import type { Caller } from './identity/caller.js';
import type { ObjectTypeSpec } from './identity/object-types.js';
import type { Core } from './index.js';
import type { OverviewCount, OverviewRegistry } from './overview.js';
import type { MigrationSet } from './store/migrate.js';
import type { DialectCapabilities } from './store/dialect.js';
import type { ReferenceRegistry, ReferenceResolver } from './references/registry.js';
import type { AnyDb, AnyTables } from './store/tx.js';

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
export type { OverviewCount, EngineOverview } from './overview.js';
export { defineAuditEvents } from './audit/events.js';
export * from './store/filterset.js';
export { literalCount } from './store/page-sql.js';
export { preparedQuery } from './store/prepared.js';

// What engines use from the core besides the contract: they import nothing else of it (scripts/check-source.mjs).
export * from './errors.js';
export * from './ids.js';
export type { HushConfig } from './config.js';
export type { AuditEntry } from './audit/log.js';
export type { PermissionRecord } from './identity/permissions.js';
export type { UserRow } from './identity/users.js';
export type { TokenRow } from './identity/tokens.js';
export { AuditAction, SessionCookie, CsrfHeader } from './names.js';
export { ENV_VAR_NAME } from './env-names.js';
export { createRevisionCache } from './cache/revision-cache.js';
export { generateRsaKeyPair, parseRsaPrivateKey, rsaOaepDecrypt, rsaOaepEncrypt } from './keyring/rsa.js';
export {
  decryptAsymmetric,
  encryptAsymmetric,
  encryptRaw,
  isPhaseCiphertext,
  kxRandomKeyPair,
  kxSeedKeyPair,
  xorHex,
  type HexKeyPair,
} from './keyring/phase-crypto.js';
export type { VersionTable, VersionTableSpec, StoredVersion } from './versions/versions.js';

/** An engine's audit port: entries are stamped with the engine's name, and only its declared actions are accepted. */
export interface EngineAudit {
  /** Appends change entries inside `trx`, the transaction of the change, so both commit or roll back together. */
  appendWithin(trx: AnyDb, actor: AuditActor, events: readonly EngineAuditEvent[]): Promise<void>;
  /** Appends in a transaction of its own (events that go with no change of the engine's data). */
  append(actor: AuditActor, events: readonly EngineAuditEvent[]): Promise<void>;
}

/** An audit event as an engine writes it: the core fills in the engine's name. */
export type EngineAuditEvent = Omit<AuditEvent, 'engine'> & { readonly engine?: string };

/**
 * What an engine receives from the core, once, in `create`. It holds services, never key material: ciphertexts are
 * made and opened through `keyring.cipher(table)`. `Tables` are the engine's own tables: `store()` reaches only
 * those, and core data only through the ports below (docs/architecture.md §6).
 */
export interface EngineContext<Tables = unknown> {
  readonly name: string;
  readonly config: HushConfig;
  /** Hush's own version, for status answers. */
  readonly version: string;
  /** The engine's own tables, typed. */
  store(): Kysely<Tables>;
  readonly dialect: DialectCapabilities;
  readonly keyring: Pick<Core['keyring'], 'cipher' | 'randomHex' | 'keyedHash'>;
  readonly permissions: Pick<Core['permissions'], 'can' | 'require' | 'scope'>;
  readonly audit: EngineAudit;
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
  /**
   * The core's login sessions, for engines whose clients log in with a cookie of their own (Passbolt's GPGAuth):
   * opened and closed inside the engine's transaction (with its audit entry), checked with their CSRF token, and
   * confined to the engine that opened them.
   */
  readonly sessions: SessionPort;
  /** Minting core tokens inside the engine's transaction, for engines whose clients need tokens of their own format. */
  readonly tokens: Pick<Core['tokens'], 'create'>;
  /** Bounds on expensive cryptography (core/crypto-gate.ts): key generation, and per-login key and password work. */
  readonly gates: Core['gates'];
  /** Identity administration; present only for an engine whose manifest declares `identity: true` (the admin API). */
  readonly identity?: IdentityPort;
}

/** The core's session store as an engine sees it; `trx` is the engine's own transaction (one database). */
export interface SessionPort {
  open(userId: number, trx: AnyDb): Promise<{ secret: string; csrfToken: string; expires: string }>;
  /** The session's caller; throws `unauthenticated` (reason `session_invalid`, `user_inactive`, `csrf_failed`). */
  authenticate(secret: string, csrfToken: string | undefined, unsafe: boolean): Promise<Caller>;
  close(sessionId: number, trx: AnyDb): Promise<void>;
  /** Ends every session this engine opened for `userId` (their login credentials changed); returns how many. */
  closeAllOf(userId: number, trx: AnyDb): Promise<number>;
}

/**
 * What the admin engine manages: the core's users, tokens, permissions and sessions, and the audit log it lists.
 * Every change goes through `identityAdmin`, which writes it in one transaction with its audit entry.
 */
export type IdentityPort = Pick<Core, 'identityAdmin' | 'users' | 'tokens' | 'permissions' | 'objectTypes'> & {
  readonly audit: Pick<Core['audit'], 'list' | 'verify'>;
  /** Every engine's overview counts for a caller. */
  readonly overview: Pick<OverviewRegistry, 'counts'>;
};

/** One `hush admin <engine> <name>` command, declared in the manifest so `--help` needs no database. */
export interface EngineCommandSpec {
  readonly name: string;
  readonly description: string;
  readonly arguments?: readonly { readonly name: string; readonly description: string }[];
  /** Commander flag syntax (`--app <id>`); `repeatable` collects every use into a list. */
  readonly options?: readonly { readonly flags: string; readonly description: string; readonly repeatable?: boolean }[];
  /** Printed after the generated help (examples). */
  readonly help?: string;
}

/** What a command's run receives: its arguments in declared order, its options, who acts, and where to write. */
export interface EngineCommandInput {
  readonly args: readonly string[];
  readonly options: Readonly<Record<string, unknown>>;
  /** The operator: the command line acts as a superuser (whoever runs it next to the data holds every key). */
  readonly caller: Caller;
  readonly actor: AuditActor;
  print(line?: string): void;
  /** Standard error, for notes beside machine-readable output. */
  note(line: string): void;
  /** The command's input file or `-` for standard input, read whole. */
  readText(source: string): string;
}

/** What an engine is once built: `create(ctx)` runs once per server (or admin command) and returns this. */
export interface EngineInstance {
  /** The engine's routes, registered in an encapsulated context with the core's hooks already installed. */
  readonly routes: FastifyPluginAsync;
  /** Renders any error in the engine's wire envelope; a string `body` is JSON already encoded (with its content type in `headers`). */
  renderError(
    error: HushError,
    request: FastifyRequest,
  ): { status: number; body: unknown; headers?: Record<string, string> };
  /** Finds the credential in a request when the engine's clients send it some other way than `Token`/`Bearer`. */
  extractCredential?(request: FastifyRequest): string | undefined;
  /** The template reference kinds the engine answers (e.g. the lists engine's `secret` in `${{ secret.NAME }}`). */
  readonly references?: readonly ReferenceResolver[];
  /**
   * Recognises a credential of the engine's own login flow (e.g. Passbolt's JWT access tokens) and returns its
   * caller, or null for "mine, but no caller" (an expired token on a public route); undefined lets the core try its
   * API tokens and sessions.
   */
  authenticate?(request: FastifyRequest): Promise<Caller | null | undefined>;
  /** Runs the manifest's `commands`, by name. */
  readonly commands?: Readonly<Record<string, (input: EngineCommandInput) => Promise<void>>>;
  /**
   * How many of the engine's objects the caller can reach, per kind, for the console's overview: counted through the
   * same permission checks as the engine's lists, and without reading (or auditing) any secret.
   */
  overview?(caller: Caller): Promise<readonly OverviewCount[]>;
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
  /**
   * Whether the route changes data. Every POST, PUT, PATCH and DELETE route must say (the server refuses to start
   * otherwise). A route that does must append its change to the audit log in the request (`ctx.audit.appendWithin`):
   * a 2xx answer without one is failed by the core (docs/audit.md §3), unless the handler calls `noChangeMade`
   * because this request changed nothing (an empty batch, a repeat of the stored state).
   */
  changesData?: boolean;
}

/** One engine, as the core sees it: a manifest the server reads (docs/architecture.md §4). */
export interface EngineManifest<Tables = AnyTables> {
  readonly name: string;
  /**
   * URL prefixes the engine answers under: the server refuses at start a route outside them, and the longest match
   * picks the engine that renders an unrouted path's error.
   */
  readonly prefixes: readonly string[];
  readonly migrations: MigrationSet | undefined;
  /**
   * The permission object types the engine checks (route `access` rules, `permissions.can/require/scope`), with
   * their actions: the only ones grants may name. The server refuses to start on a route whose rule names another.
   */
  readonly objectTypes?: readonly ObjectTypeSpec[];
  /** Every audit action the engine writes (its `events.ts`, made with `defineAuditEvents`); the core refuses others. */
  readonly auditEvents: Readonly<Record<string, string>>;
  /** The engine's `hush admin <name> …` commands; `create` returns what runs them. */
  readonly commands?: { readonly description: string; readonly list: readonly EngineCommandSpec[] };
  /** The admin API: it manages the core's identity records, so it receives `ctx.identity`. */
  readonly identity?: boolean;
  /** Builds the engine once from its context. */
  create(ctx: EngineContext<Tables>): EngineInstance | Promise<EngineInstance>;
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
    /** Set by `noChangeMade`: this request to a `changesData` route changed nothing, so it appended nothing. */
    unchanged: boolean;
  }
}
