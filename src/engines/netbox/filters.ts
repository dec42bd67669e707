import { sql, type Expression, type SqlBool } from 'kysely';
import { invalid } from '../../core/ports.js';

/**
 * NetBox's filterset conventions (docs/wire/netbox.md §3.0 "Filters"): a repeated parameter means OR, unknown
 * parameters are ignored, character fields take `__n/__ic/__nic/__isw/__nisw/__iew/__niew/__ie/__nie/__empty`,
 * numeric fields `__n/__lt/__lte/__gt/__gte`.
 */
export type Query = Record<string, string | string[] | undefined>;

export function values(query: Query, key: string): string[] {
  const v = query[key];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** A WHERE fragment builder: collects conditions, ANDed at the end. */
export type Conditions = Expression<SqlBool>[];

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
const like = (column: string, pattern: string) =>
  sql<SqlBool>`lower(${sql.ref(column)}) like ${pattern.toLowerCase()} escape '\\'`;
const anyOf = (parts: Expression<SqlBool>[]) =>
  parts.length === 1 ? parts[0]! : sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
const not = (e: Expression<SqlBool>) => sql<SqlBool>`not ${e}`;

export function textFilter(out: Conditions, query: Query, key: string, column: string): void {
  const exact = values(query, key);
  if (exact.length) out.push(sql<SqlBool>`${sql.ref(column)} in (${sql.join(exact)})`);
  const lookups: [string, (v: string) => Expression<SqlBool>][] = [
    ['n', (v) => sql<SqlBool>`${sql.ref(column)} <> ${v}`],
    ['ic', (v) => like(column, `%${escapeLike(v)}%`)],
    ['nic', (v) => not(like(column, `%${escapeLike(v)}%`))],
    ['isw', (v) => like(column, `${escapeLike(v)}%`)],
    ['nisw', (v) => not(like(column, `${escapeLike(v)}%`))],
    ['iew', (v) => like(column, `%${escapeLike(v)}`)],
    ['niew', (v) => not(like(column, `%${escapeLike(v)}`))],
    ['ie', (v) => like(column, escapeLike(v))],
    ['nie', (v) => not(like(column, escapeLike(v)))],
  ];
  for (const [suffix, build] of lookups) {
    const vs = values(query, `${key}__${suffix}`);
    if (!vs.length) continue;
    // Negated lookups exclude every value; the others match any of them.
    out.push(suffix.startsWith('n') ? sql<SqlBool>`(${sql.join(vs.map(build), sql` and `)})` : anyOf(vs.map(build)));
  }
  for (const v of values(query, `${key}__empty`)) {
    const empty = sql<SqlBool>`${sql.ref(column)} = ''`;
    out.push(v.toLowerCase() === 'true' ? empty : not(empty));
  }
}

// Every filtered column is a 32-bit integer: a larger number matches nothing, and PostgreSQL refuses to compare it.
const INT32_MAX = 2 ** 31 - 1;

function integers(query: Query, key: string): number[] {
  return values(query, key).map((v) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isInteger(n)) throw invalid(key, 'Enter a whole number.');
    if (Math.abs(n) > INT32_MAX) throw invalid(key, `Ensure this value is between -${INT32_MAX} and ${INT32_MAX}.`);
    return n;
  });
}

export function intFilter(out: Conditions, query: Query, key: string, column: string): void {
  const exact = integers(query, key);
  if (exact.length) out.push(sql<SqlBool>`${sql.ref(column)} in (${sql.join(exact)})`);
  const excluded = integers(query, `${key}__n`);
  if (excluded.length) out.push(sql<SqlBool>`${sql.ref(column)} not in (${sql.join(excluded)})`);
  const ops = { lt: '<', lte: '<=', gt: '>', gte: '>=' } as const;
  for (const [suffix, op] of Object.entries(ops)) {
    for (const v of integers(query, `${key}__${suffix}`))
      out.push(sql<SqlBool>`${sql.ref(column)} ${sql.raw(op)} ${v}`);
  }
}

/** `created`/`last_updated` with `__lt/__lte/__gt/__gte` against ISO strings (stored as sortable ISO text). */
export function dateFilter(out: Conditions, query: Query, key: string, column: string): void {
  const ops = { '': '=', __lt: '<', __lte: '<=', __gt: '>', __gte: '>=' } as const;
  for (const [suffix, op] of Object.entries(ops)) {
    for (const v of values(query, `${key}${suffix}`)) {
      if (Number.isNaN(Date.parse(v))) throw invalid(`${key}${suffix}`, 'Enter a valid date/time.');
      // A bare date compares against the date part, as Django's __date-less DateTimeField lookups on dates do.
      const col = /^\d{4}-\d{2}-\d{2}$/.test(v) ? sql`substr(${sql.ref(column)}, 1, 10)` : sql.ref(column);
      out.push(sql<SqlBool>`${col} ${sql.raw(op)} ${v}`);
    }
  }
}

export const and = (conditions: Conditions): Expression<SqlBool> | undefined =>
  conditions.length ? sql<SqlBool>`(${sql.join(conditions, sql` and `)})` : undefined;

export const or = (conditions: Conditions): Expression<SqlBool> => sql<SqlBool>`(${sql.join(conditions, sql` or `)})`;

export const inIds = (column: string, ids: readonly number[]) =>
  ids.length ? sql<SqlBool>`${sql.ref(column)} in (${sql.join([...ids])})` : sql<SqlBool>`1 = 0`;

/** `?ordering=a,-b`: known fields only (others are ignored, as NetBox does), then the default order. */
export function ordering(query: Query, allowed: Record<string, string>): { column: string; desc: boolean }[] {
  const out: { column: string; desc: boolean }[] = [];
  for (const raw of values(query, 'ordering').flatMap((v) => v.split(','))) {
    const desc = raw.startsWith('-');
    const column = allowed[desc ? raw.slice(1) : raw];
    if (column) out.push({ column, desc });
  }
  return out;
}

/** `?brief=<any non-empty>` switches to the brief representation. */
export const isBrief = (query: Query) =>
  values(query, 'brief').some((v) => v !== '' && v.toLowerCase() !== 'false' && v !== '0');
