import { ENV_VAR_NAME } from '../../core/ports.js';
import { ERR, itemError, phaseError } from './errors.js';
import { normalizePath, pathProblem } from './paths.js';

/**
 * Request bodies of /v1/secrets, checked with Phase's exact messages (docs/wire/phase.md §2.3-2.5), plus the
 * bounds Phase lacks (it answers 500 or stores anything): every batch is checked whole before anything is written.
 */
export const LIMITS = {
  batch: 1000,
  keyLength: 256,
  valueLength: 65_536,
  commentLength: 10_000,
  tags: 50,
  tagLength: 64,
} as const;

export type SecretType = 'secret' | 'sealed' | 'config';
const TYPES: readonly SecretType[] = ['config', 'sealed', 'secret'];

export interface OverrideInput {
  value: string;
  isActive: boolean;
}

export interface CreateItem {
  key: string;
  value: string;
  comment: string;
  path: string;
  tags: string[] | undefined;
  type: SecretType;
  override: OverrideInput | undefined;
}

export interface UpdateItem {
  id: string;
  key: string | undefined;
  value: string | undefined;
  comment: string | undefined;
  path: string | undefined;
  tags: string[] | undefined;
  type: SecretType | undefined;
  override: OverrideInput | undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The body as Phase reads it: raw JSON whatever the Content-Type. */
export function parseBody(raw: unknown): Record<string, unknown> {
  if (raw === undefined || raw === null || raw === '') throw phaseError('invalid', ERR.bodyRequired);
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw phaseError('invalid', ERR.bodyNotJson);
    }
  }
  if (!isObject(value)) throw phaseError('invalid', ERR.bodyNotObject);
  return value;
}

function secretsList(body: Record<string, unknown>, message: string): unknown[] {
  const list = body.secrets;
  if (!Array.isArray(list) || list.length === 0) throw phaseError('invalid', message);
  if (list.length > LIMITS.batch) throw phaseError('too_large', `At most ${LIMITS.batch} secrets per request.`);
  return list;
}

/**
 * Beyond Phase, which takes any text (its console alone maps spaces to `_`): a key must be an environment-variable
 * name, since one that is not breaks every shell and dotenv export of its environment. Checked before upper-casing.
 */
function checkKey(i: number, key: string) {
  checkLength(i, 'key', key, LIMITS.keyLength);
  if (!ENV_VAR_NAME.test(key)) throw itemError(i, ERR.keyNotEnvName);
}

function checkLength(i: number, field: string, value: string, max: number) {
  if (value.length > max) throw itemError(i, `'${field}' must be at most ${max} characters.`);
}

function parseType(i: number, raw: unknown): SecretType | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'string' || !TYPES.includes(raw as SecretType)) throw itemError(i, ERR.badType(String(raw)));
  return raw as SecretType;
}

function parseOverride(i: number, item: Record<string, unknown>): OverrideInput | undefined {
  if (!('override' in item)) return undefined;
  const o = item.override;
  if (!isObject(o)) throw itemError(i, ERR.overrideObject);
  if (typeof o.value !== 'string') throw itemError(i, ERR.overrideValue);
  if (typeof o.isActive !== 'boolean') throw itemError(i, ERR.overrideActive);
  checkLength(i, 'override.value', o.value, LIMITS.valueLength);
  return { value: o.value, isActive: o.isActive };
}

/** Phase: non-strings skipped, names trimmed, empties dropped; a name over 64 characters refused. */
function parseTags(i: number, raw: unknown): string[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) throw itemError(i, "'tags' must be a list of tag names.");
  const names = [
    ...new Set(
      raw
        .filter((t): t is string => typeof t === 'string')
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ];
  for (const n of names) if (n.length > LIMITS.tagLength) throw itemError(i, ERR.tagTooLong(n));
  if (names.length > LIMITS.tags) throw itemError(i, `At most ${LIMITS.tags} tags per secret.`);
  return names;
}

/** `undefined` keeps the current path (PUT); a non-string means "unchanged" on PUT and `/` on POST. */
function parsePath(i: number, raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const path = normalizePath(raw);
  const problem = pathProblem(path);
  if (problem) throw itemError(i, problem);
  return path;
}

function optionalString(
  i: number,
  item: Record<string, unknown>,
  field: string,
  max: number,
  message: string,
): string | undefined {
  if (!(field in item) || item[field] === undefined) return undefined;
  const v = item[field];
  if (typeof v !== 'string') throw itemError(i, message);
  checkLength(i, field, v, max);
  return v;
}

export function parseCreate(raw: unknown): CreateItem[] {
  const list = secretsList(parseBody(raw), ERR.secretsList);
  return list.map((item, i) => {
    if (!isObject(item)) throw itemError(i, ERR.entryNotObject);
    if (typeof item.key !== 'string' || item.key.trim() === '') throw itemError(i, ERR.keyRequired);
    checkKey(i, item.key);
    if (typeof item.value !== 'string') throw itemError(i, ERR.valueRequired);
    checkLength(i, 'value', item.value, LIMITS.valueLength);
    const comment = optionalString(i, item, 'comment', LIMITS.commentLength, "'comment' must be a string.");
    return {
      key: item.key.toUpperCase(),
      value: item.value,
      comment: comment ?? '',
      path: parsePath(i, item.path) ?? '/',
      tags: parseTags(i, item.tags),
      type: parseType(i, item.type) ?? 'secret',
      override: parseOverride(i, item),
    };
  });
}

export function parseUpdate(raw: unknown): UpdateItem[] {
  const list = secretsList(parseBody(raw), ERR.secretsList);
  return list.map((item, i) => {
    if (!isObject(item) || typeof item.id !== 'string' || item.id === '') {
      if (isObject(item) && item.id !== undefined && typeof item.id !== 'string')
        throw itemError(i, "'id' must be a string.");
      throw itemError(i, ERR.idMissing);
    }
    let key: string | undefined;
    if (item.key !== undefined) {
      if (typeof item.key !== 'string' || item.key.trim() === '') throw itemError(i, ERR.keyRequired);
      checkKey(i, item.key);
      key = item.key.toUpperCase();
    }
    return {
      id: item.id,
      key,
      value: optionalString(i, item, 'value', LIMITS.valueLength, ERR.valueRequired),
      comment: optionalString(i, item, 'comment', LIMITS.commentLength, "'comment' must be a string."),
      path: parsePath(i, item.path),
      tags: parseTags(i, item.tags),
      type: parseType(i, item.type),
      override: parseOverride(i, item),
    };
  });
}

export function parseDelete(raw: unknown): string[] {
  const list = secretsList(parseBody(raw), ERR.secretsIdList);
  list.forEach((id, i) => {
    if (typeof id !== 'string' || id === '') throw itemError(i, 'Each secret ID must be a non-empty string.');
  });
  return [...new Set(list as string[])];
}
