import { sql, type Expression, type SqlBool } from 'kysely';
import { invalid } from '../errors.js';

/**
 * NetBox's filterset conventions, shared by every NetBox-style list (the admin API's users, tokens and permissions;
 * the NetBox engine's secrets, roles, user keys, devices and VMs). Upstream: netbox/netbox/filtersets.py
 * (`BaseFilterSet.get_additional_lookups`) and netbox/utilities/constants.py (the lookup maps); summarised in
 * docs/wire/netbox.md §3.0 "Filters". A repeated parameter means OR; character fields take `__n/__ic/__nic/__isw/
 * __nisw/__iew/__niew/__ie/__nie/__empty`, numbers and dates `__n/__lt/__lte/__gt/__gte/__empty`, model choices
 * only `__n`. Where NetBox ignores a parameter it does not know, Hush refuses it (400 naming it): a silently ignored
 * filter turns a cleanup loop into "delete everything".
 */
export type Query = Record<string, string | string[] | undefined>;

/** Every value of a parameter, repeats included. */
export function values(query: Query, key: string): string[] {
  const v = query[key];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/**
 * Query parameters that are not filters: pagination, the representation (`brief`, `fields`, `omit`, pynetbox's
 * `exclude`), DRF's `ordering` and `format` (netbox/netbox/api/viewsets/__init__.py reads `brief`, `fields`, `omit`).
 */
export const RESERVED_QUERY_PARAMS: readonly string[] = [
  'limit',
  'offset',
  'brief',
  'fields',
  'omit',
  'exclude',
  'ordering',
  'format',
];

/** How a filter reads its values, which decides the lookups it takes (utilities/constants.py). */
export type FilterKind = 'text' | 'number' | 'date' | 'boolean' | 'choice' | 'search';

const LOOKUPS: Record<FilterKind, readonly string[]> = {
  text: ['n', 'ic', 'nic', 'isw', 'nisw', 'iew', 'niew', 'ie', 'nie', 'empty'],
  number: ['n', 'lt', 'lte', 'gt', 'gte', 'empty'],
  date: ['n', 'lt', 'lte', 'gt', 'gte', 'empty'],
  // NetBox gives a model-choice filter (`user_id`, `role`) `__n` too; an engine that implements it names it in
  // `lookups`, so a lookup Hush would not apply is refused rather than ignored.
  choice: [],
  boolean: [],
  search: [],
};

/**
 * One filter: its kind, the column the core compares (absent: the engine applies it itself, e.g. a join or `q`),
 * and, where NetBox declares fewer lookups than the kind has, the ones it does take.
 */
export interface FilterSpec {
  readonly kind: FilterKind;
  readonly column?: string;
  readonly lookups?: readonly string[];
}

export type FilterSetSpec = Readonly<Record<string, FilterSpec>>;

/** A WHERE fragment builder: collects conditions, ANDed at the end. */
export type Conditions = Expression<SqlBool>[];

export interface FilterSet {
  /** Every parameter name the list accepts as a filter (`name`, `name__ic`, …). */
  readonly names: ReadonlySet<string>;
  /** Refuses (400 naming it) the first parameter that is neither reserved nor a filter of this set. */
  check(query: Query): void;
  /** Checks, then returns the conditions of every filter that names a column; the engine adds the rest. */
  where(query: Query): Conditions;
}

export function defineFilterSet(spec: FilterSetSpec): FilterSet {
  const names = new Set<string>();
  for (const [name, f] of Object.entries(spec)) {
    names.add(name);
    for (const lookup of f.lookups ?? LOOKUPS[f.kind]) names.add(`${name}__${lookup}`);
  }
  const check = (query: Query) => {
    for (const key of Object.keys(query)) {
      if (query[key] === undefined || RESERVED_QUERY_PARAMS.includes(key) || names.has(key)) continue;
      throw invalid(key, 'Unknown filter: this list has no filter of that name.');
    }
  };
  return {
    names,
    check,
    where(query) {
      check(query);
      const out: Conditions = [];
      // Every parameter a filter below reads is one of `names` (check refused any other), so a query naming none of
      // them (a plain page, `?limit=100`) has no condition: skip asking each filter for each of its lookups.
      if (!Object.keys(query).some((key) => query[key] !== undefined && names.has(key))) return out;
      for (const [name, f] of Object.entries(spec)) {
        if (!f.column) continue;
        if (f.kind === 'text') textFilter(out, query, name, f.column);
        else if (f.kind === 'number') intFilter(out, query, name, f.column);
        else if (f.kind === 'date') dateFilter(out, query, name, f.column);
        else if (f.kind === 'boolean') boolFilter(out, query, name, f.column);
      }
      return out;
    },
  };
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
const like = (column: string, pattern: string) =>
  sql<SqlBool>`lower(${sql.ref(column)}) like ${pattern.toLowerCase()} escape '\\'`;
const anyOf = (parts: Expression<SqlBool>[]) =>
  parts.length === 1 ? parts[0]! : sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
const not = (e: Expression<SqlBool>) => sql<SqlBool>`not ${e}`;

/** Django's BooleanFilter reads `true/false`, `1/0` (any case); anything else is "Select a valid choice". */
export function booleans(query: Query, key: string): boolean[] {
  return values(query, key).map((v) => {
    const t = v.trim().toLowerCase();
    if (t === 'true' || t === '1') return true;
    if (t === 'false' || t === '0') return false;
    throw invalid(key, `Select a valid choice. ${v} is not one of the available choices.`);
  });
}

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
  for (const empty of booleans(query, `${key}__empty`)) {
    const blank = sql<SqlBool>`coalesce(${sql.ref(column)}, '') = ''`;
    out.push(empty ? blank : not(blank));
  }
}

// Every filtered column is a 32-bit integer: a larger number matches nothing, and PostgreSQL refuses to compare it.
const INT32_MAX = 2 ** 31 - 1;

export function integers(query: Query, key: string): number[] {
  return values(query, key).map((v) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isInteger(n)) throw invalid(key, 'Enter a whole number.');
    if (Math.abs(n) > INT32_MAX) throw invalid(key, `Ensure this value is between -${INT32_MAX} and ${INT32_MAX}.`);
    return n;
  });
}

function nullFilter(out: Conditions, query: Query, key: string, column: string): void {
  for (const empty of booleans(query, `${key}__empty`))
    out.push(empty ? sql<SqlBool>`${sql.ref(column)} is null` : sql<SqlBool>`${sql.ref(column)} is not null`);
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
  nullFilter(out, query, key, column);
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** Date/time filters against ISO strings (stored as sortable ISO text); a bare date compares the date part. */
export function dateFilter(out: Conditions, query: Query, key: string, column: string): void {
  const ops = { '': '=', __n: '<>', __lt: '<', __lte: '<=', __gt: '>', __gte: '>=' } as const;
  for (const [suffix, op] of Object.entries(ops)) {
    const parts = values(query, `${key}${suffix}`).map((v) => {
      // Only ISO 8601 (a date, or a date and time): Date.parse also reads "0" or "12" as a year, which would widen
      // a filter to every row.
      if (!ISO_DATE_TIME.test(v) || Number.isNaN(Date.parse(v)))
        throw invalid(`${key}${suffix}`, 'Enter a valid date/time.');
      const bare = /^\d{4}-\d{2}-\d{2}$/.test(v);
      const col = bare ? sql`substr(${sql.ref(column)}, 1, 10)` : sql.ref(column);
      // Stored values are `toISOString()` text, so a client's other spelling of an instant is normalised first.
      const at = bare ? v : new Date(v).toISOString();
      return sql<SqlBool>`${col} ${sql.raw(op)} ${at}`;
    });
    if (!parts.length) continue;
    // Exact values match any of them (MultiValue filters); every other comparison must hold for each.
    out.push(suffix === '' ? anyOf(parts) : sql<SqlBool>`(${sql.join(parts, sql` and `)})`);
  }
  nullFilter(out, query, key, column);
}

/** A boolean column stored as 0/1. */
export function boolFilter(out: Conditions, query: Query, key: string, column: string): void {
  const vs = [...new Set(booleans(query, key))];
  if (vs.length === 1) out.push(sql<SqlBool>`${sql.ref(column)} = ${vs[0] ? 1 : 0}`);
}

export const and = (conditions: Conditions): Expression<SqlBool> | undefined =>
  conditions.length ? sql<SqlBool>`(${sql.join(conditions, sql` and `)})` : undefined;

export const or = (conditions: Conditions): Expression<SqlBool> => sql<SqlBool>`(${sql.join(conditions, sql` or `)})`;

export const inIds = (column: string, ids: readonly number[]) =>
  ids.length ? sql<SqlBool>`${sql.ref(column)} in (${sql.join([...ids])})` : sql<SqlBool>`1 = 0`;

/** `?ordering=a,-b`: known fields only (others are ignored, as DRF's OrderingFilter does), then the default order. */
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
