import { HushError } from '../errors.js';

/**
 * The store faults a client can do nothing about but wait: the database cannot be reached, or it has no room to
 * write. Both drivers' errors are sorted here, once, so every engine answers them the same way (503 in its own
 * envelope) instead of a 500, and so the process survives them.
 */
export type StoreFault = 'database_unavailable' | 'storage_full';

/** `reason` of the HushErrors below; engines and the CLI may branch on them. */
export const StoreFaultReason = {
  databaseUnavailable: 'database_unavailable',
  storageFull: 'storage_full',
  /** The connection died during COMMIT: the server may or may not have applied the change. */
  outcomeUnknown: 'outcome_unknown',
} as const;

// Socket-level failures reaching or talking to PostgreSQL (node's errno codes).
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
// PostgreSQL SQLSTATEs meaning "this server cannot serve you now": 57P01 admin_shutdown (pg_ctl stop/restart),
// 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up, shutting down, recovering), 57P05 idle session timeout,
// 53300 too_many_connections. Class 08 (connection exception) is matched by prefix.
const POSTGRES_UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '57P05', '53300']);
// node-postgres reports a lost or never-made connection with these messages and no code.
const PG_CONNECTION_MESSAGES = [
  'Connection terminated',
  'Client has encountered a connection error and is not queryable',
  'timeout exceeded when trying to connect',
  'Connection timeout',
];
// SQLITE_FULL is also what SQLite reports for a short write (ENOSPC); 53100 is PostgreSQL's disk_full.
const DISK_FULL_CODES = new Set(['SQLITE_FULL', 'ENOSPC', 'EDQUOT', '53100']);

function codeOf(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** What a driver error says about the store, or undefined for an error of the query itself (constraint, syntax…). */
export function storeFaultOf(e: unknown): StoreFault | undefined {
  if (!(e instanceof Error)) return undefined;
  // An AggregateError carries one error per address tried (localhost resolving to ::1 and 127.0.0.1).
  if (e instanceof AggregateError && e.errors.some((inner) => storeFaultOf(inner) === 'database_unavailable'))
    return 'database_unavailable';
  const code = codeOf(e);
  if (code !== undefined && DISK_FULL_CODES.has(code)) return 'storage_full';
  if (code !== undefined && (SOCKET_CODES.has(code) || POSTGRES_UNAVAILABLE.has(code) || /^08[0-9A-Z]{3}$/.test(code)))
    return 'database_unavailable';
  if (code === undefined && PG_CONNECTION_MESSAGES.some((m) => e.message.startsWith(m))) return 'database_unavailable';
  return undefined;
}

export const MSG_DATABASE_UNAVAILABLE = 'Database unavailable; the request was not carried out. Try again shortly.';
export const MSG_STORAGE_FULL =
  'Storage full: the server has no room to write, so nothing was saved. Free disk space on the server, then try again.';
export const MSG_OUTCOME_UNKNOWN =
  'Database connection lost while saving: the change may or may not have been applied. Check before retrying.';

/** The client-safe error for a fault; the driver's own error stays in `cause`, for the log only. */
export function storeFaultError(
  fault: StoreFault,
  cause: unknown,
  options: { duringCommit?: boolean } = {},
): HushError {
  if (fault === 'storage_full')
    return new HushError('unavailable', MSG_STORAGE_FULL, { reason: StoreFaultReason.storageFull, cause });
  if (options.duringCommit)
    return new HushError('unavailable', MSG_OUTCOME_UNKNOWN, { reason: StoreFaultReason.outcomeUnknown, cause });
  return new HushError('unavailable', MSG_DATABASE_UNAVAILABLE, {
    reason: StoreFaultReason.databaseUnavailable,
    cause,
  });
}

/** True for the errors made by `storeFaultError`. */
export function isStoreFault(
  e: unknown,
  reason?: (typeof StoreFaultReason)[keyof typeof StoreFaultReason],
): e is HushError {
  if (!(e instanceof HushError) || e.kind !== 'unavailable') return false;
  const known: readonly (string | undefined)[] = Object.values(StoreFaultReason);
  return reason === undefined ? known.includes(e.reason) : e.reason === reason;
}

// What an operator reads at start, per driver error; the driver's own text is not shown (it could name anything).
const CAUSE_TEXT: Record<string, string> = {
  ECONNREFUSED: 'connection refused: nothing listens on that port',
  ECONNRESET: 'the connection was reset',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'no route to the host',
  ENETUNREACH: 'no route to the host',
  ENOTFOUND: 'the host name is not known',
  EAI_AGAIN: 'the host name could not be resolved',
  '57P01': 'the server is shutting down',
  '57P02': 'the server crashed',
  '57P03': 'the server is starting up, shutting down or recovering',
  '53300': 'the server has no free connection slots',
};

function causeText(e: unknown): string {
  const inner = e instanceof AggregateError ? e.errors[0] : e;
  const code = codeOf(inner);
  if (code !== undefined && CAUSE_TEXT[code]) return CAUSE_TEXT[code];
  const message = inner instanceof Error ? inner.message : '';
  if (message.startsWith('timeout exceeded') || message.startsWith('Connection timeout'))
    return 'the connection timed out';
  if (message.startsWith('Connection terminated')) return 'the server closed the connection';
  return 'the connection failed';
}

/**
 * A store fault met while starting (migrating, loading the keyring), told to the operator with the database's
 * location: host, port and database name, never the credentials.
 */
export function startupFaultError(e: unknown, location: string): unknown {
  if (isStoreFault(e, StoreFaultReason.storageFull)) {
    return new HushError(
      'unavailable',
      `Storage full: the database at ${location} has no room to write. Free disk space there, then start again.`,
      { reason: e.reason, cause: e.cause },
    );
  }
  if (isStoreFault(e)) {
    return new HushError(
      'unavailable',
      `Cannot reach the database at ${location} (${causeText(e.cause)}). Check that it is running and that DATABASE_URL names the right host, port and database.`,
      {
        reason: StoreFaultReason.databaseUnavailable,
        cause: e.cause,
      },
    );
  }
  return e;
}
