import type { RuleFailure } from '../errors.js';

/** ResourcesTable's field rules (passbolt_api src/Model/Table/ResourcesTable.php validationDefault). */
const FIELDS = [
  { name: 'name', max: 255, required: true },
  { name: 'username', max: 255, required: false },
  { name: 'uri', max: 1024, required: false },
  { name: 'description', max: 10000, required: false },
] as const;

export interface ResourceFields {
  name?: string;
  username?: string | null;
  uri?: string | null;
  description?: string | null;
  expired?: string | null;
}

/** Checks the clear-text fields of a resource body; `create` makes `name` required. */
export function checkResourceFields(
  body: Record<string, unknown>,
  create: boolean,
): { fields: ResourceFields; failures: RuleFailure[] } {
  const failures: RuleFailure[] = [];
  const fields: Record<string, unknown> = {};
  for (const f of FIELDS) {
    const value = body[f.name];
    if (value === undefined) {
      if (f.required && create) failures.push({ path: f.name, rule: '_required', message: `A ${f.name} is required.` });
      continue;
    }
    if (value === null || value === '') {
      if (f.required) failures.push({ path: f.name, rule: '_empty', message: `The ${f.name} should not be empty.` });
      else fields[f.name] = null;
      continue;
    }
    if (typeof value !== 'string') {
      failures.push({
        path: f.name,
        rule: f.name === 'uri' ? 'utf8' : 'utf8Extended',
        message: `The ${f.name} should be a valid ${f.name === 'uri' ? 'BMP-UTF8' : 'UTF8'} string.`,
      });
      continue;
    }
    if ([...value].length > f.max) {
      failures.push({
        path: f.name,
        rule: 'maxLength',
        message: `The ${f.name} length should be maximum ${f.max} characters.`,
      });
      continue;
    }
    fields[f.name] = value;
  }
  const expired = body.expired;
  if (expired !== undefined) {
    if (expired === null || expired === '') fields.expired = null;
    else if (typeof expired !== 'string' || expired.length > 64 || Number.isNaN(Date.parse(expired))) {
      failures.push({ path: 'expired', rule: 'expired', message: 'The expiry date should be a valid date.' });
    } else fields.expired = new Date(expired).toISOString();
  }
  return { fields: fields as ResourceFields, failures };
}

/** The body must be a JSON object; anything else is Passbolt's generic validation error. */
export function bodyObject(body: unknown): Record<string, unknown> {
  return body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

/** `secrets` as submitted: a list of `{user_id?, data}` objects; a lone object is taken as a list of one. */
export function secretItems(value: unknown): {
  items: { user_id?: unknown; data?: unknown }[] | undefined;
  failures: RuleFailure[];
} {
  if (value === undefined) return { items: undefined, failures: [] };
  const list = Array.isArray(value) ? value : value !== null && typeof value === 'object' ? [value] : null;
  if (!list || list.some((s) => s === null || typeof s !== 'object' || Array.isArray(s))) {
    return {
      items: undefined,
      failures: [
        {
          path: 'secrets',
          rule: '_invalid',
          message: 'The secrets should be a list of objects with user_id and data.',
        },
      ],
    };
  }
  if (list.length > 10000)
    return {
      items: undefined,
      failures: [{ path: 'secrets', rule: 'maxCount', message: 'Too many secrets in one request (at most 10000).' }],
    };
  return { items: list as { user_id?: unknown; data?: unknown }[], failures: [] };
}

/** A query flag as Passbolt clients send it (`contain[x]=1`, `true`, or a repeated key). */
export const truthy = (v: unknown): boolean =>
  v === '1' || v === 'true' || v === 1 || v === true || (Array.isArray(v) && v.length > 0 && truthy(v[0]));
