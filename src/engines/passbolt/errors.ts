import type { FastifyRequest } from 'fastify';
import { HushError, type FieldProblem } from '../../core/ports.js';
import { header } from './envelope.js';
import { JSON_CONTENT_TYPE, phpJsonBody } from './php-json.js';

/**
 * Passbolt's client-visible strings (passbolt_api src/Controller/**, src/Model/Table/**), kept exactly. Validation
 * problems are `{field: {rule: message}}`, nested for associations (`secrets.0.data.wrongRecipient`).
 */
export const MSG = {
  login: 'You need to login to access this location.',
  /** CakePHP's CsrfProtectionMiddleware, when X-CSRF-Token does not match the session's. */
  csrf: 'CSRF token from either the request body or request headers did not match or is missing.',
  notFound: 'The requested address was not found.',
  resourceIdInvalid: 'The resource identifier should be a valid UUID.',
  resourceIdNotValid: 'The resource id is not valid.',
  resourceNotFound: 'The resource does not exist.',
  secretNotFound: 'The secret does not exist.',
  resourceValidation: 'Could not validate resource data.',
  secretValidation: 'Could not validate secret data.',
  userNotFound: 'The user does not exist or has been deleted.',
  userIdInvalid: 'The user identifier should be a valid UUID.',
  noUpdateRight: 'You do not have the permission to update this resource.',
  noDeleteRight: 'You do not have the permission to delete this resource.',
  gpgkeyNotFound: 'The OpenPGP key does not exist.',
  messageInvalid: 'The message should be a valid ASCII-armored OpenPGP message.',
  asymmetric: 'The message must contain an asymmetric packet.',
  wrongRecipient: 'The message is not encrypted for the right recipient.',
  ownerSecret: 'The secrets should contain the owner secret.',
  secretsProvided: 'The secrets should contain the secrets of all the users having access to the resource.',
  shareSecrets: 'The secrets of all the users having access to the resource are required.',
  atLeastOneOwner: 'The permissions should contain at least the owner permission.',
  userHasNoKey: 'The user does not exist or has no OpenPGP key.',
} as const;

/** One failed rule: `path` is the field path (`secrets.0.data`), `rule` the Passbolt rule name. */
export interface RuleFailure {
  path: string;
  rule: string;
  message: string;
}

/** A Passbolt validation error (400): header message plus the nested rule map in the body. */
export function validationError(message: string, failures: RuleFailure[]): HushError {
  const problems: FieldProblem[] = failures.map((f) => ({ field: `${f.path}.${f.rule}`, message: f.message }));
  return new HushError('invalid', message, { problems, reason: 'passbolt_validation' });
}

export const badRequest = (message: string): HushError => new HushError('invalid', message);
/** A 400 whose body Passbolt shapes itself (CustomValidationException): sent as given. */
export const customValidationError = (message: string, body: Record<string, unknown>): HushError =>
  new HushError('invalid', message, { reason: 'passbolt_body', details: { body } });
export const notFoundError = (message: string): HushError => new HushError('not_found', message);
export const forbiddenError = (message: string): HushError => new HushError('forbidden', message);

function nest(problems: readonly FieldProblem[], withRule: boolean): Record<string, unknown> | null {
  if (!problems.length) return null;
  const root: Record<string, unknown> = {};
  for (const p of problems) {
    const parts = (p.field || '_request').split('.');
    if (!withRule) parts.push(p.message === 'This field is required.' ? '_required' : '_invalid');
    let node = root;
    for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    node[parts.at(-1)!] = p.message;
  }
  return root;
}

/** Passbolt answers "not logged in" with 403, not 401 (the seed's table; GpgJwtAuthenticator::unauthenticated). */
const STATUS: Record<HushError['kind'], number> = {
  invalid: 400,
  unauthenticated: 403,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 400,
  too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
};

export function renderPassboltError(error: HushError, request: FastifyRequest) {
  const status = error.status ?? STATUS[error.kind];
  let message = error.message;
  if (error.kind === 'unauthenticated') message = error.reason === 'csrf_failed' ? MSG.csrf : MSG.login;
  if (error.kind === 'not_found' && message === 'Not found.') message = MSG.notFound;
  if (error.kind === 'invalid' && error.reason !== 'passbolt_validation' && error.problems.length)
    message = 'Could not validate the request data.';
  const body =
    error.reason === 'passbolt_body'
      ? (error.details?.body ?? null)
      : error.kind === 'invalid'
        ? nest(error.problems, error.reason === 'passbolt_validation')
        : null;
  return {
    status,
    body: phpJsonBody(request, { header: header(request, 'error', status, message), body }),
    headers: { 'content-type': JSON_CONTENT_TYPE },
  };
}
