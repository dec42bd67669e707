import { randomBytes, randomUUID } from 'node:crypto';
import { HushError } from './errors.js';

/** Branded ids: a `UserId` cannot be passed where a `TokenId` is expected, though both are numbers on the wire. */
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type UserId = Brand<number, 'UserId'>;
export type TokenId = Brand<number, 'TokenId'>;
export type PermissionId = Brand<number, 'PermissionId'>;
export type DataKeyId = Brand<number, 'DataKeyId'>;

/** A random identifier for non-secret use (request ids, generated names). */
export function randomId(bytes = 12): string {
  return randomBytes(bytes).toString('base64url');
}

/** Current time as the ISO-8601 UTC string every table stores (sortable as text on both dialects). */
export function nowIso(): string {
  return new Date().toISOString();
}

const STORED_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?Z$/;

/**
 * A stored time (`nowIso()` text) as NetBox's and Phase's APIs render one, both Django REST framework: six fraction
 * digits, `"2017-03-21T19:28:44.265582Z"` (the seeds). Hush keeps milliseconds, so the last three digits are zeros.
 * `zone` is `'+00:00'` for NetBox's GraphQL (strawberry's `isoformat()`). Python drops the fraction when it is exactly
 * zero; Hush always writes six digits, which every client parsing the original's form parses, and which keeps one
 * width. Null stays null; text that names no time is passed through unchanged.
 */
export function microsIso(stored: string, zone?: 'Z' | '+00:00'): string;
export function microsIso(stored: string | null, zone?: 'Z' | '+00:00'): string | null;
export function microsIso(stored: string | null, zone: 'Z' | '+00:00' = 'Z'): string | null {
  if (stored === null) return null;
  const match = STORED_TIME.exec(stored) ?? STORED_TIME.exec(isoTimeOf(stored) ?? '');
  if (!match) return stored;
  return `${match[1]}.${(match[2] ?? '').padEnd(6, '0')}${zone}`;
}

/** A lower-case hyphenated UUID4, the id format of engines whose originals use UUIDs (Phase). */
export function newUuid(): string {
  return randomUUID();
}

/**
 * A time given as text (ISO-8601, e.g. `2027-01-01T00:00:00Z`) as the UTC string tables store; undefined when the
 * text names no time.
 */
export function isoTimeOf(text: string): string | undefined {
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

/** The `--expires <when>` option of the admin commands that mint tokens (the core's and engines' alike). */
export function parseExpiry(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const time = isoTimeOf(value);
  if (time === undefined)
    throw new HushError('invalid', `--expires: "${value}" is not a date (use ISO-8601, e.g. 2027-01-01T00:00:00Z)`);
  return time;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A hyphenated UUID in either case (engines compare ids lower-cased), the one check of the id format. */
export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);
