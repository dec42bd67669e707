import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HushError, isHushError, type FieldProblem } from '../core/errors.js';
import type { EngineInstance } from '../core/ports.js';
import { storeFaultError, storeFaultOf } from '../core/store/faults.js';
import { afterSavedChange } from './plugins/write-outcome.js';

type Renderer = EngineInstance['renderError'];

interface ValidationItem {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

function problemsOf(validation: ValidationItem[], context: string | undefined): FieldProblem[] {
  return validation.map((v) => {
    const base = (v.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
    const extra = (v.params?.missingProperty ?? v.params?.additionalProperty) as string | undefined;
    const field = [base, extra].filter(Boolean).join('.') || context || '';
    const message =
      v.params?.additionalProperty !== undefined
        ? 'is not an accepted field'
        : v.params?.missingProperty !== undefined
          ? 'This field is required.'
          : (v.message ?? 'is invalid');
    return { field, message };
  });
}

/**
 * A body that is not JSON, in fixed words: parsers' own messages quote the body, which may be a secret sent with
 * the wrong Content-Type. The position, if the parser gave one, is only a number.
 */
export function invalidJson(cause: unknown): HushError {
  const position = /at position (\d+)/.exec(String((cause as Error | undefined)?.message ?? ''))?.[1];
  const where = position === undefined ? '' : ` (at position ${position})`;
  return new HushError('invalid', `JSON parse error - the request body is not valid JSON${where}.`, {
    reason: 'invalid_json',
    cause,
  });
}

/** Client errors raised by Fastify and its plugins (static files, rate limits), by status, in our own words. */
function fromStatus(status: number, cause: unknown): HushError | undefined {
  switch (status) {
    case 400:
      return new HushError('invalid', 'Bad request.', { cause });
    // @fastify/send refuses `..` and dotfiles with 403: to a client that is simply nothing there.
    case 403:
    case 404:
      return new HushError('not_found', 'Not found.', { cause });
    case 405:
      return new HushError('method_not_allowed', 'Method not allowed.', { cause });
    case 413:
      return new HushError('too_large', 'Request body is too large.', { cause });
    case 415:
      return new HushError('unsupported_media_type', 'Unsupported media type.', { cause });
    case 429:
      return new HushError('rate_limited', 'Too many requests; try again later.', { cause });
  }
  return status >= 400 && status < 500 ? new HushError('invalid', 'Bad request.', { cause }) : undefined;
}

/** Turns anything thrown during a request into a HushError with a client-safe message. */
function toHushError(err: unknown): HushError {
  if (isHushError(err)) return err;
  // The store translates its drivers' errors itself; this catches a fault met outside a query (a file write).
  const fault = storeFaultOf(err);
  if (fault) return storeFaultError(fault, err);
  const e = err as FastifyError & { validation?: ValidationItem[]; validationContext?: string };
  if (e?.validation)
    return new HushError('invalid', e.message, { problems: problemsOf(e.validation, e.validationContext), cause: err });
  switch (e?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HushError('too_large', 'Request body is too large.', { cause: err });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HushError(
        'unsupported_media_type',
        `Unsupported media type "${String(e.message).split(': ').pop()}" in request.`,
        { cause: err },
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new HushError('invalid', 'Body cannot be empty when content-type is set to application/json.', {
        cause: err,
      });
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new HushError('invalid', 'Request body size did not match Content-Length.', { cause: err });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return invalidJson(err);
    // The framework's own messages quote the path; ours do not.
    case 'FST_ERR_BAD_URL':
      return new HushError('invalid', 'Malformed URL: invalid percent-encoding.', { reason: 'bad_url', cause: err });
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new HushError('not_found', 'Not found.', { reason: 'path_segment_too_long', cause: err });
  }
  if (e instanceof SyntaxError) return invalidJson(err);
  return (
    (typeof e?.statusCode === 'number' ? fromStatus(e.statusCode, err) : undefined) ??
    new HushError('internal', 'Internal server error.', { cause: err })
  );
}

/** A machine-readable code of the underlying error (`FST_ERR_VALIDATION`, `SQLITE_FULL`), safe to log. */
function codeOf(error: HushError): string | undefined {
  const code = (error.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^[A-Za-z0-9_]{1,64}$/.test(code) ? code : undefined;
}

/**
 * Logs and renders an error. A refused request is logged by kind, reason and code only: messages and field names
 * may quote what the client sent (a body, an unknown key), and no request content reaches the log.
 */
export function sendError(render: Renderer, error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const hushError = afterSavedChange(toHushError(error), request);
  if (hushError.kind === 'internal' || hushError.kind === 'unavailable') {
    request.log.error({ err: hushError.cause ?? hushError, reason: hushError.reason }, hushError.message);
  } else {
    request.log.info(
      { kind: hushError.kind, reason: hushError.reason, code: codeOf(hushError), problems: hushError.problems.length },
      'request refused',
    );
  }
  const rendered = render(hushError, request);
  if (hushError.retryAfterSeconds !== undefined && !reply.hasHeader('retry-after'))
    reply.header('retry-after', String(hushError.retryAfterSeconds));
  return reply
    .status(rendered.status)
    .headers(rendered.headers ?? {})
    .send(rendered.body);
}

/** Installs an engine's renderer as the error handler of its encapsulated context. */
export function installErrorRenderer(scope: FastifyInstance, render: Renderer): void {
  scope.setErrorHandler((error, request, reply) => sendError(render, error, request, reply));
}
