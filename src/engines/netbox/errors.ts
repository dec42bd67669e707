import type { FastifyRequest } from 'fastify';
import { HushError } from '../../core/ports.js';
import { renderNetboxError } from '../../http/netbox-rest.js';

/**
 * NetBox's envelopes (docs/wire/netbox.md §3.0, §3.1): `{"detail": …}`, field errors, and three shapes the
 * secrets views use besides — a bare JSON list (`["Invalid session key."]`, a view-level ValidationError), plain
 * text (the session-key endpoints' HttpResponseBadRequest) and `{"error": …}` (key-pair generation, activation).
 * The strings are matched by clients and tests, so they are kept exactly.
 */
export const MSG = {
  noSessionKeyForWrite: 'A session key must be provided when creating or updating secrets.',
  invalidSessionKey: 'Invalid session key.',
  noPrivateKey: 'Private key was not provided.',
  noUserKey: 'No UserKey found for the current user.',
  inactiveUserKey: 'UserKey has not been activated for decryption.',
  invalidPrivateKey: 'Invalid private key.',
  noActiveSessionKey: 'No active session key found',
  activateDenied: 'You do not have permission to activate user keys.',
  keySizeNotInteger: 'Invalid key_size parameter. Must be an integer.',
  keySizeRange: (min: number, max: number) => `Invalid key size. Must be between ${min} and ${max} bits.`,
  keySizeStep: 'Invalid key size. Must be in increments of 256 bits.',
  // Hush's own (the plugin lets anyone generate 8192 bits): names the parameter, the bound and the way past it.
  keySizeNeedsPermission: (open: number, objectType: string) =>
    `key_size over ${open} bits needs the permission to add user keys (${objectType}); use ${open} or less.`,
  publicKeyBlocked:
    'Cannot change public key while secrets exist and this is the only active key. Create and activate another user key first.',
  required: 'This field is required.',
  blank: 'This field may not be blank.',
  nullValue: 'This field may not be null.',
  notFound: (model: string) => `No ${model} matches the given query.`,
  relatedId: (id: unknown) => `Related object not found using the provided numeric ID: ${String(id)}`,
  relatedAttrs: (attrs: unknown) => `Related object not found using the provided attributes: ${JSON.stringify(attrs)}`,
  relatedBad: (v: unknown) =>
    `Related objects must be referenced by numeric ID or by dictionary of attributes. Received an unrecognized value: ${String(v)}`,
  /** Hush's own (NetBox cascades without asking): deleting a device or VM deletes its secrets only for who may. */
  cascadeDenied: (model: string, total: number, denied: number) =>
    `Deleting this ${model} would delete the ${total} secret${total === 1 ? '' : 's'} assigned to it, and you do not have permission to delete ${denied === total ? (total === 1 ? 'it' : 'them') : `${denied} of them`} (netbox_secrets.secret delete). Delete or reassign the secrets first, or ask for that permission.`,
  dependents: (items: string[], total: number) =>
    `Unable to delete object. ${total} dependent objects were found: ${items.join(', ')}${total > items.length ? ', …' : ''}`,
} as const;

type Shape = 'list' | 'text' | 'error';
const SHAPE_REASON: Record<Shape, string> = {
  list: 'netbox_bare_list',
  text: 'netbox_plain_text',
  error: 'netbox_error_key',
};

/** A 400 (or `kind`) rendered as a bare list, plain text, or `{"error": …}`. */
export const shaped = (shape: Shape, message: string, kind: HushError['kind'] = 'invalid') =>
  new HushError(kind, message, { reason: SHAPE_REASON[shape] });

export const notFoundModel = (model: string) => new HushError('not_found', MSG.notFound(model));

export function renderNetboxEngineError(error: HushError, request: FastifyRequest) {
  const apiVersion = request.url.startsWith('/api/secrets/') ? '2.11' : '4.6';
  // A non-numeric id in the path matches no object in NetBox's URL patterns: 404, not a field error.
  if ((error.cause as { validationContext?: string } | undefined)?.validationContext === 'params') {
    return renderNetboxError(new HushError('not_found', 'Not found.'), apiVersion);
  }
  const base = renderNetboxError(error, apiVersion);
  switch (error.reason) {
    case SHAPE_REASON.list:
      return { ...base, body: [error.message] };
    case SHAPE_REASON.text:
      return { ...base, body: error.message, headers: { ...base.headers, 'content-type': 'text/html; charset=utf-8' } };
    case SHAPE_REASON.error:
      return { ...base, body: { error: error.message } };
  }
  // GraphQL answers credential problems in plain text (NetBox's GraphQL view).
  if (request.url.startsWith('/graphql') && error.kind === 'unauthenticated') {
    return {
      ...base,
      body: error.reason === 'credentials_missing' ? 'No credentials provided.' : error.message,
      headers: { ...base.headers, 'content-type': 'text/plain; charset=utf-8' },
    };
  }
  return base;
}
