import type { FastifyRequest } from 'fastify';
import { defaultStatus, HushError } from '../../core/ports.js';

/**
 * The lists engine's error envelope (NetActuate publishes no error bodies; this is ours, see README.md):
 * `{"error": {"code", "message", "field"?}}`. `code` is the error kind (`invalid`, `not_found`, `conflict`, …) or,
 * for templates, `missing_references` (422, with `missing`: every unresolved reference) and `malformed_references`
 * (400, with `malformed`).
 */
const TEMPLATE_REASONS = new Set(['missing_references', 'malformed_references']);

export function renderListsError(error: HushError, _request: FastifyRequest) {
  const templateReason = error.reason !== undefined && TEMPLATE_REASONS.has(error.reason) ? error.reason : undefined;
  const status = templateReason === 'missing_references' ? 422 : defaultStatus[error.kind];
  const body: Record<string, unknown> = { code: templateReason ?? error.kind, message: error.message };
  if (error.field) body.field = error.field;
  if (error.details) Object.assign(body, error.details);
  const headers: Record<string, string> | undefined =
    error.kind === 'unauthenticated' ? { 'WWW-Authenticate': 'Bearer' } : undefined;
  return { status, body: { error: body }, ...(headers ? { headers } : {}) };
}

export const listNotFound = (ref: string) => new HushError('not_found', `Secret list "${ref}" not found.`);
export const valueNotFound = (ref: string, list: string) =>
  new HushError('not_found', `Secret value "${ref}" not found in list "${list}".`);

export const listNameTaken = (name: string) =>
  new HushError('conflict', `A secret list named "${name}" already exists.`, {
    problems: [{ field: 'name', message: 'is taken' }],
  });

/** Keys are unique in the instance; the holder is named only when the caller may see it. */
export const keyTaken = (key: string, holder: string | undefined) =>
  new HushError(
    'conflict',
    holder === undefined
      ? `The key "${key}" is already used in another secret list.`
      : `The key "${key}" is already used in secret list "${holder}".`,
    {
      problems: [{ field: 'secret_key', message: 'is taken' }],
      ...(holder === undefined ? {} : { details: { list: holder } }),
    },
  );
