import type { FastifyRequest } from 'fastify';
import type { Page } from '../core/store/constraint.js';

// NetBox's PAGINATE_COUNT and MAX_PAGE_SIZE.
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 1000;

/** NetBox's lenient reading: 0 means the maximum page; negative or non-numeric values fall back to defaults. */
export function pageOf(query: { limit?: string | undefined; offset?: string | undefined }): Page {
  const rawLimit = query.limit === undefined ? NaN : Number(query.limit);
  const limit = !Number.isInteger(rawLimit) || rawLimit < 0 ? DEFAULT_LIMIT : rawLimit === 0 ? MAX_LIMIT : Math.min(rawLimit, MAX_LIMIT);
  const rawOffset = query.offset === undefined ? 0 : Number(query.offset);
  return { limit, offset: Number.isInteger(rawOffset) && rawOffset > 0 ? rawOffset : 0 };
}

/** Absolute `next`/`previous` URLs with the query re-encoded and keys sorted, as DRF does. */
export function pageLinks(request: FastifyRequest, page: Page, count: number): { next: string | null; previous: string | null } {
  const base = `${request.protocol}://${request.host}${request.url.split('?')[0]}`;
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
  const previous = page.offset <= 0 ? null : page.offset - page.limit <= 0 ? link(undefined) : link(page.offset - page.limit);
  return { next, previous };
}
