/**
 * The one error type of Hush. Engines throw it (or let the core throw it) and render it in their own
 * wire envelope; `message` is safe to show a client, `cause` is for the log only.
 */
export type ErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'unsupported_media_type'
  | 'method_not_allowed'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

/** The HTTP status each kind maps to unless an engine's renderer says otherwise. */
export const defaultStatus: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
};

export interface FieldProblem {
  /** Dotted path of the offending input, e.g. `expires` or `items.3.key`; empty for the whole request. */
  field: string;
  message: string;
}

export class HushError extends Error {
  readonly kind: ErrorKind;
  /** One entry per offending field; empty when the error is not about a particular field. */
  readonly problems: FieldProblem[];
  /** A stable machine-readable reason, e.g. `token_expired`; engines may map it to exact upstream strings. */
  readonly reason: string | undefined;
  /** Client-safe structured context an engine may render (e.g. the references a template could not resolve). */
  readonly details: Readonly<Record<string, unknown>> | undefined;
  /** Seconds the client should wait before trying again; sent as `Retry-After` (429, 503). */
  readonly retryAfterSeconds: number | undefined;
  /** An HTTP status more precise than the kind's (431 for oversized headers), for envelopes that repeat the status. */
  readonly status: number | undefined;

  constructor(
    kind: ErrorKind,
    message: string,
    options: {
      problems?: FieldProblem[];
      reason?: string;
      cause?: unknown;
      details?: Record<string, unknown>;
      retryAfterSeconds?: number;
      status?: number;
    } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HushError';
    this.kind = kind;
    this.problems = options.problems ?? [];
    this.reason = options.reason;
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.status = options.status;
  }

  get field(): string | undefined {
    return this.problems[0]?.field;
  }
}

export const invalid = (field: string, message: string): HushError =>
  new HushError('invalid', `${field}: ${message}`, { problems: [{ field, message }] });

export const invalidFields = (problems: FieldProblem[]): HushError =>
  new HushError('invalid', problems.map((p) => (p.field ? `${p.field}: ${p.message}` : p.message)).join('; '), {
    problems,
  });

export const notFound = (what: string): HushError => new HushError('not_found', `${what} not found.`);

export const conflict = (field: string, message: string): HushError =>
  new HushError('conflict', message, { problems: [{ field, message }] });

export const forbidden = (message = 'You do not have permission to perform this action.', reason?: string): HushError =>
  new HushError('forbidden', message, reason === undefined ? {} : { reason });

export const unauthenticated = (message: string, reason: string): HushError =>
  new HushError('unauthenticated', message, { reason });

export const isHushError = (e: unknown): e is HushError => e instanceof HushError;

export { isForeignKeyViolation, isUniqueViolation } from './store/constraint.js';
