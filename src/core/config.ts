import path from 'node:path';
import { loadLimits, type LimitsConfig } from './config-limits.js';
import { invalid } from './errors.js';

/** Everything Hush reads from its environment, validated once and frozen. Nothing else reads `process.env`. */
export interface HushConfig {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  /** `postgres://…` selects PostgreSQL; absent means the embedded SQLite file `<dataDir>/hush.db`. */
  readonly databaseUrl: string | undefined;
  readonly rootKeyFile: string;
  /** Root key given directly (base64 or hex of 32 bytes); takes precedence over the file. */
  readonly rootKey: string | undefined;
  readonly bootstrapToken: string | undefined;
  readonly bootstrapPassword: string | undefined;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly bodyLimitBytes: number;
  /** Trust X-Forwarded-* from these proxies (Fastify `trustProxy`); false by default. */
  readonly trustProxy: boolean | string;
  /**
   * The address clients reach Hush at (`https://hush.example.com`, maybe with a path), without a trailing slash.
   * Absolute URLs in answers are built from it; unset, they are built from the request's Host header.
   */
  readonly publicUrl: string | undefined;
  /** Token provisioning attempts allowed per client address per minute. */
  readonly provisionRateLimit: number;
  /** Seconds an engine may keep decrypted data of an unused object in memory (0: never); see core/cache. */
  readonly plaintextCacheSeconds: number;
  /** SQLite: WAL checkpoints on a thread of the server's own (core/store/wal-checkpointer.ts); off by default. */
  readonly sqliteCheckpointThread: boolean;
  /**
   * Audit entries older than this many days are archived to `auditArchiveDir` and removed, hourly, by every server
   * (core/audit/retention.ts); undefined (the default) keeps everything.
   */
  readonly auditRetentionDays: number | undefined;
  /** Where retention writes its archive files; required with a retention, so no entry is ever dropped unkept. */
  readonly auditArchiveDir: string | undefined;
  /** Minutes without input after which the web console signs its user out (HUSH_CONSOLE_IDLE_MINUTES). */
  readonly consoleIdleMinutes: number;
  /** Seconds after which the console clears a value it copied to the clipboard; 0 leaves it (HUSH_CONSOLE_CLIPBOARD_SECONDS). */
  readonly consoleClipboardSeconds: number;
  /** Timeouts, the connection cap and the bounds on expensive cryptography (config-limits.ts). */
  readonly limits: LimitsConfig;
}

export interface ConfigInput {
  host?: string | undefined;
  port?: string | number | undefined;
  dataDir?: string | undefined;
  databaseUrl?: string | undefined;
  logLevel?: string | undefined;
  publicUrl?: string | undefined;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const TOKEN_PATTERN = /^[0-9a-f]{40}$/;

function parsePort(raw: string | number, field: string): number {
  const n = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw invalid(field, `must be a port number 0-65535, got "${raw}"`);
  return n;
}

function parseNonNegativeInt(raw: string, field: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw invalid(field, `must be a whole number of seconds (0 or more), got "${raw}"`);
  return n;
}

/** An on/off setting: unset, `0` or `false` is off, `1` or `true` on; anything else is refused, naming the variable. */
function parseSwitch(raw: string | undefined, field: string): boolean {
  if (raw === undefined || raw === '' || raw === '0' || raw === 'false') return false;
  if (raw === '1' || raw === 'true') return true;
  throw invalid(field, `must be 1 or 0 (true or false), got "${raw}"`);
}

/** 15 minutes, as a bank's web app; the login session itself lasts 12 hours (core/identity/sessions.ts). */
const DEFAULT_CONSOLE_IDLE_MINUTES = 15;
/** Beyond the session's own 12 hours an idle limit would never fire. */
const MAX_CONSOLE_IDLE_MINUTES = 720;

const DEFAULT_CONSOLE_CLIPBOARD_SECONDS = 30;
/** An hour: a value left longer than that on the clipboard is as good as never cleared; 0 says so outright. */
const MAX_CONSOLE_CLIPBOARD_SECONDS = 3600;

function parseClipboardSeconds(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > MAX_CONSOLE_CLIPBOARD_SECONDS)
    throw invalid(
      'HUSH_CONSOLE_CLIPBOARD_SECONDS',
      `must be a whole number of seconds from 0 (never clear) to ${MAX_CONSOLE_CLIPBOARD_SECONDS}, got "${raw}"`,
    );
  return n;
}

function parseIdleMinutes(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_CONSOLE_IDLE_MINUTES)
    throw invalid(
      'HUSH_CONSOLE_IDLE_MINUTES',
      `must be a whole number of minutes from 1 to ${MAX_CONSOLE_IDLE_MINUTES}, got "${raw}"`,
    );
  return n;
}

function parsePositiveInt(raw: string, field: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw invalid(field, `must be a positive integer, got "${raw}"`);
  return n;
}

/**
 * An http(s) URL with no query, fragment or credentials; returned without its trailing slash so that paths append
 * directly. Anything else would end up verbatim in every `url` and `next` a client follows.
 */
function parsePublicUrl(raw: string, field: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid(field, `must be an absolute URL such as https://hush.example.com, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw invalid(field, 'must start with http:// or https://');
  if (url.username || url.password || url.search || url.hash || raw.includes('?') || raw.includes('#')) {
    throw invalid(field, 'must not contain credentials, a query or a fragment');
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** Flags win over `HUSH_*` variables, which win over defaults. */
export function loadConfig(flags: ConfigInput = {}, env: NodeJS.ProcessEnv = process.env): HushConfig {
  const dataDir = path.resolve(flags.dataDir ?? env.HUSH_DATA_DIR ?? './data');
  const logLevel = flags.logLevel ?? env.HUSH_LOG_LEVEL ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw invalid('HUSH_LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  }
  const databaseUrl = flags.databaseUrl ?? env.DATABASE_URL ?? env.HUSH_DATABASE_URL;
  if (databaseUrl !== undefined && databaseUrl !== '' && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw invalid(
      'DATABASE_URL',
      'must start with postgres:// or postgresql:// (leave it unset for the embedded SQLite)',
    );
  }
  const bootstrapToken = env.HUSH_BOOTSTRAP_TOKEN || undefined;
  if (bootstrapToken !== undefined && !TOKEN_PATTERN.test(bootstrapToken)) {
    throw invalid('HUSH_BOOTSTRAP_TOKEN', 'must be exactly 40 lower-case hexadecimal characters');
  }
  const auditRetentionDays = env.HUSH_AUDIT_RETENTION_DAYS
    ? parsePositiveInt(env.HUSH_AUDIT_RETENTION_DAYS, 'HUSH_AUDIT_RETENTION_DAYS')
    : undefined;
  const auditArchiveDir = env.HUSH_AUDIT_ARCHIVE_DIR ? path.resolve(env.HUSH_AUDIT_ARCHIVE_DIR) : undefined;
  if (auditRetentionDays !== undefined && auditArchiveDir === undefined) {
    throw invalid(
      'HUSH_AUDIT_RETENTION_DAYS',
      'needs HUSH_AUDIT_ARCHIVE_DIR, the directory the older entries are archived to (they are never dropped unkept)',
    );
  }
  const trustProxyRaw = env.HUSH_TRUST_PROXY;
  const publicUrlRaw = flags.publicUrl ?? (env.HUSH_PUBLIC_URL || undefined);
  return Object.freeze({
    host: flags.host ?? env.HUSH_HOST ?? '127.0.0.1',
    port: parsePort(flags.port ?? env.HUSH_PORT ?? 8000, flags.port !== undefined ? '--port' : 'HUSH_PORT'),
    dataDir,
    databaseUrl: databaseUrl || undefined,
    rootKeyFile: path.resolve(env.HUSH_ROOT_KEY_FILE ?? path.join(dataDir, 'root.key')),
    rootKey: env.HUSH_ROOT_KEY || undefined,
    bootstrapToken,
    bootstrapPassword: env.HUSH_BOOTSTRAP_PASSWORD || undefined,
    logLevel: logLevel as HushConfig['logLevel'],
    bodyLimitBytes: env.HUSH_BODY_LIMIT ? parsePositiveInt(env.HUSH_BODY_LIMIT, 'HUSH_BODY_LIMIT') : 2 * 1024 * 1024,
    trustProxy:
      trustProxyRaw === undefined || trustProxyRaw === '' || trustProxyRaw === 'false'
        ? false
        : trustProxyRaw === 'true'
          ? true
          : trustProxyRaw,
    publicUrl:
      publicUrlRaw === undefined
        ? undefined
        : parsePublicUrl(publicUrlRaw, flags.publicUrl !== undefined ? '--public-url' : 'HUSH_PUBLIC_URL'),
    provisionRateLimit: env.HUSH_PROVISION_RATE_LIMIT
      ? parsePositiveInt(env.HUSH_PROVISION_RATE_LIMIT, 'HUSH_PROVISION_RATE_LIMIT')
      : 10,
    plaintextCacheSeconds: env.HUSH_PLAINTEXT_CACHE_SECONDS
      ? parseNonNegativeInt(env.HUSH_PLAINTEXT_CACHE_SECONDS, 'HUSH_PLAINTEXT_CACHE_SECONDS')
      : 300,
    sqliteCheckpointThread: parseSwitch(env.HUSH_SQLITE_CHECKPOINT_THREAD, 'HUSH_SQLITE_CHECKPOINT_THREAD'),
    auditRetentionDays,
    auditArchiveDir,
    consoleIdleMinutes: env.HUSH_CONSOLE_IDLE_MINUTES
      ? parseIdleMinutes(env.HUSH_CONSOLE_IDLE_MINUTES)
      : DEFAULT_CONSOLE_IDLE_MINUTES,
    consoleClipboardSeconds:
      env.HUSH_CONSOLE_CLIPBOARD_SECONDS !== undefined && env.HUSH_CONSOLE_CLIPBOARD_SECONDS !== ''
        ? parseClipboardSeconds(env.HUSH_CONSOLE_CLIPBOARD_SECONDS)
        : DEFAULT_CONSOLE_CLIPBOARD_SECONDS,
    limits: loadLimits(env),
  });
}
