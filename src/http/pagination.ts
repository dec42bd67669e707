import type { FastifyRequest } from 'fastify';
import { invalid } from '../core/errors.js';
import type { Page } from '../core/store/constraint.js';
import { publicOrigin } from './public-url.js';

// NetBox's PAGINATE_COUNT and MAX_PAGE_SIZE.
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 1000;
/** The largest offset: exact in a JavaScript number and in both databases' 64-bit integers. */
export const MAX_OFFSET = Number.MAX_SAFE_INTEGER;

/**
 * A whole number as Python's `int()` reads it (DRF's `_positive_int`): decimal digits with an optional sign and
 * surrounding spaces. `1e19`, `0x10` and `1.5` are not numbers to DRF, so they fall back to the default as there.
 */
function decimal(raw: string | undefined): number | undefined {
  return raw !== undefined && /^\s*[+-]?\d+\s*$/.test(raw) ? Number(raw) : undefined;
}

/**
 * NetBox's lenient reading: 0 means the maximum page, a larger limit is cut to it; negative or non-numeric values
 * fall back to defaults. An offset beyond any possible row count is refused rather than sent to the database.
 */
export function pageOf(query: { limit?: string | undefined; offset?: string | undefined }): Page {
  const rawLimit = decimal(query.limit);
  const limit =
    rawLimit === undefined || rawLimit < 0 ? DEFAULT_LIMIT : rawLimit === 0 ? MAX_LIMIT : Math.min(rawLimit, MAX_LIMIT);
  const rawOffset = decimal(query.offset) ?? 0;
  if (rawOffset > MAX_OFFSET) throw invalid('offset', `Ensure this value is less than or equal to ${MAX_OFFSET}.`);
  return { limit, offset: rawOffset > 0 ? rawOffset : 0 };
}

/** Absolute `next`/`previous` URLs with the query re-encoded and keys sorted, as DRF does. */
export function pageLinks(
  request: FastifyRequest,
  page: Page,
  count: number,
): { next: string | null; previous: string | null } {
  const base = `${publicOrigin(request)}${request.url.split('?')[0]}`;
  const params = new URLSearchParams(request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '');
  const link = (offset: number | undefined) => {
    const p = new URLSearchParams(params);
    p.set('limit', String(page.limit));
    if (offset === undefined) p.delete('offset');
    else p.set('offset', String(offset));
    p.sort();
    return `${base}?${p.toString()}`;
  };
  const next = page.offset + page.limit < count ? link(page.offset + page.limit) : null;
  const previous =
    page.offset <= 0 ? null : page.offset - page.limit <= 0 ? link(undefined) : link(page.offset - page.limit);
  return { next, previous };
}

/**
 * The request's own absolute URL with some query parameters replaced (and others dropped): the `next` of an answer
 * paged by a cursor, which a client follows as it is (RFC 8288 `Link: <…>; rel="next"`).
 */
export function requestUrlWith(
  request: FastifyRequest,
  set: Record<string, string>,
  drop: readonly string[] = [],
): string {
  const base = `${publicOrigin(request)}${request.url.split('?')[0]}`;
  const params = new URLSearchParams(request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '');
  for (const name of drop) params.delete(name);
  for (const [name, value] of Object.entries(set)) params.set(name, value);
  params.sort();
  return `${base}?${params.toString()}`;
}
