import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HushError, isHushError, type FieldProblem } from '../core/errors.js';
import type { EngineManifest } from '../core/ports.js';
import { storeFaultError, storeFaultOf } from '../core/store/faults.js';
import { afterSavedChange } from './plugins/write-outcome.js';

type Renderer = EngineManifest['renderError'];

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
      v.params?.additionalProperty !== undefined ? 'is not an accepted field' : v.params?.missingProperty !== undefined ? 'This field is required.' : (v.message ?? 'is invalid');
    return { field, message };
  });
}

/** Turns anything thrown during a request into a HushError with a client-safe message. */
export function toHushError(err: unknown): HushError {
  if (isHushError(err)) return err;
  // The store translates its drivers' errors itself; this catches a fault met outside a query (a file write).
  const fault = storeFaultOf(err);
  if (fault) return storeFaultError(fault, err);
  const e = err as FastifyError & { validation?: ValidationItem[]; validationContext?: string };
  if (e?.validation) return new HushError('invalid', e.message, { problems: problemsOf(e.validation, e.validationContext), cause: err });
  switch (e?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HushError('too_large', 'Request body is too large.', { cause: err });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HushError('unsupported_media_type', `Unsupported media type "${String(e.message).split(': ').pop()}" in request.`, { cause: err });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new HushError('invalid', 'Body cannot be empty when content-type is set to application/json.', { cause: err });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new HushError('invalid', `JSON parse error - ${e.message}`, { cause: err });
  }
  if (e?.statusCode === 429) return new HushError('rate_limited', 'Too many requests; try again later.', { cause: err });
  if (e instanceof SyntaxError || (e?.statusCode === 400 && e?.message)) {
    return new HushError('invalid', `JSON parse error - ${e.message}`, { cause: err });
  }
  if (e?.statusCode === 404) return new HushError('not_found', 'Not found.', { cause: err });
  return new HushError('internal', 'Internal server error.', { cause: err });
}

export function sendError(render: Renderer, error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const hushError = afterSavedChange(toHushError(error), request);
  if (hushError.kind === 'internal' || hushError.kind === 'unavailable') {
    request.log.error({ err: hushError.cause ?? hushError, reason: hushError.reason }, hushError.message);
  } else {
    request.log.info({ kind: hushError.kind, reason: hushError.reason, fields: hushError.problems.map((p) => p.field) }, hushError.message);
  }
  const rendered = render(hushError, request);
  return reply.status(rendered.status).headers(rendered.headers ?? {}).send(rendered.body);
}

/** Installs an engine's renderer as the error handler of its encapsulated context. */
export function installErrorRenderer(scope: FastifyInstance, render: Renderer): void {
  scope.setErrorHandler((error, request, reply) => sendError(render, error, request, reply));
}
