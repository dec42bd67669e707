import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { defaultStatus, type HushError } from '../core/errors.js';
import { pageOf } from './pagination.js';
import { DetailError, Type } from './schemas.js';

/** NetBox renders `url` absolute (docs/wire/netbox.md §3.0 "URLs"), from HUSH_PUBLIC_URL or the request. */
export { absoluteUrl } from './public-url.js';

/**
 * NetBox's REST conventions, shared by every engine that speaks them (the admin API, the NetBox secrets engine):
 * absolute `url`s, the `API-Version` header, `{"detail": …}` errors, field errors as `{"field": ["message"]}`, and
 * 403 rather than 401 for missing or bad credentials (docs/wire/netbox.md §3.0 "Error bodies").
 */
export const NETBOX_API_VERSION = '4.6';

// NetBox answers 403, not 401, for missing or bad credentials (its first authenticator has no challenge).
const STATUS: Record<HushError['kind'], number> = { ...defaultStatus, unauthenticated: 403 };

/** `{"field": ["message", …]}`; a problem without a field goes under `non_field_errors`, as DRF does. */
function netboxFieldErrors(error: HushError): Record<string, string[]> {
  // No prototype: a client's field named `constructor` or `toString` is a field like any other.
  const body: Record<string, string[]> = Object.create(null);
  for (const p of error.problems) (body[p.field || 'non_field_errors'] ??= []).push(p.message);
  return body;
}

export function renderNetboxError(error: HushError, apiVersion = NETBOX_API_VERSION) {
  const headers = { 'API-Version': apiVersion };
  // A unique-field clash is a field error in NetBox (400); a conflict without a field is a 409.
  if ((error.kind === 'invalid' || error.kind === 'conflict') && error.problems.length) {
    return { status: 400, body: netboxFieldErrors(error) as unknown, headers };
  }
  return { status: STATUS[error.kind], body: { detail: error.message } as unknown, headers };
}

/** The bodies `renderNetboxError` writes, for the OpenAPI document. */
export const NetboxErrorOut = Type.Union(
  [
    DetailError,
    Type.Record(Type.String(), Type.Array(Type.String()), { description: 'Field errors: field → messages' }),
  ],
  { title: 'NetBox error' },
);

/** An onRequest hook adding the header pynetbox reads as `nb.version`. */
export function apiVersionHook(version = NETBOX_API_VERSION) {
  return (_request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    reply.header('API-Version', version);
    done();
  };
}

/** DRF's JSON renderer takes at most this indent from `Accept: application/json; indent=N`. */
const MAX_INDENT = 8;

/** The `indent` parameter of the Accept header's `application/json`, as DRF reads it; undefined when absent. */
export function acceptedIndent(accept: string | undefined): number | undefined {
  if (!accept || !/indent/i.test(accept)) return undefined;
  for (const range of accept.split(',')) {
    const [type, ...params] = range.split(';').map((p) => p.trim());
    if (type?.toLowerCase() !== 'application/json') continue;
    for (const param of params) {
      const match = /^indent\s*=\s*"?(\d{1,3})"?$/i.exec(param);
      if (match) return Math.min(Number(match[1]), MAX_INDENT);
    }
  }
  return undefined;
}

/**
 * NetBox (DRF) pretty-prints when the client asks `Accept: application/json; indent=4`, as the seed's curl examples
 * do: the same JSON, indented. Applied to the JSON answers of the scope, errors included.
 */
export function installIndentedJson(scope: FastifyInstance): void {
  // Takes `done` rather than being async: it never waits, and runs on every request of the scope (issue 18).
  scope.addHook('onSend', (request, reply, payload, done) => {
    const indent = typeof payload === 'string' && payload ? acceptedIndent(request.headers.accept) : undefined;
    if (indent === undefined || !/^application\/json/.test(String(reply.getHeader('content-type') ?? '')))
      done(null, payload);
    else done(null, JSON.stringify(JSON.parse(payload as string), null, indent));
  });
}

/**
 * A NetBox list's query string as Fastify parses it: a repeated parameter arrives as a list (NetBox ORs the values).
 * The schema only types and documents the common parameters; the filters are the list's filterset's to check
 * (src/core/store/filterset.ts), which answers an unknown one with 400 naming it.
 */
const QueryValue = Type.Union([Type.String(), Type.Array(Type.String())]);
export const NetboxListQuery = Type.Object(
  {
    limit: Type.Optional(
      Type.Union([Type.String(), Type.Array(Type.String())], {
        description: 'Page size (default 50, max 1000, 0 = max)',
      }),
    ),
    offset: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())], { description: 'Items to skip' })),
    brief: Type.Optional(QueryValue),
    ordering: Type.Optional(
      Type.Union([Type.String(), Type.Array(Type.String())], {
        description: 'Fields, comma-separated; `-` before one for descending',
      }),
    ),
    q: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())], { description: 'Search' })),
  },
  { additionalProperties: QueryValue },
);

/** The page a NetBox list query asks for; of a repeated `limit`/`offset` the first counts, as Django's `get` does. */
export function netboxPage(query: Record<string, string | string[] | undefined>) {
  const first = (key: string) => {
    const v = query[key];
    return Array.isArray(v) ? v[0] : v;
  };
  return pageOf({ limit: first('limit'), offset: first('offset') });
}

/** One writable field as DRF's SimpleMetadata describes it in an OPTIONS answer. */
export interface OptionsField {
  readonly type: 'string' | 'integer' | 'boolean' | 'choice' | 'field' | 'json';
  readonly required: boolean;
  readonly label: string;
  readonly max_length?: number;
  readonly choices?: { value: string; display_name: string }[];
}

/**
 * `OPTIONS` on a list URL, as DRF's SimpleMetadata answers it: pynetbox's `Endpoint.choices()` reads
 * `actions.POST.<field>.choices` (pynetbox/core/endpoint.py `choices`).
 */
export function optionsAnswer(name: string, fields: Readonly<Record<string, OptionsField>>) {
  const post: Record<string, OptionsField & { read_only: boolean }> = {
    id: { type: 'integer', required: false, read_only: true, label: 'ID' },
  };
  for (const [field, spec] of Object.entries(fields)) post[field] = { ...spec, read_only: false };
  return {
    name,
    description: '',
    renders: ['application/json', 'text/html'],
    parses: ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'],
    actions: { POST: post },
  };
}

/** The body `optionsAnswer` writes, for the OpenAPI document. */
export const OptionsOut = Type.Object(
  {
    name: Type.String(),
    description: Type.String(),
    renders: Type.Array(Type.String()),
    parses: Type.Array(Type.String()),
    actions: Type.Object({
      POST: Type.Record(
        Type.String(),
        Type.Object(
          {
            type: Type.String(),
            required: Type.Boolean(),
            read_only: Type.Boolean(),
            label: Type.String(),
            max_length: Type.Optional(Type.Integer()),
            choices: Type.Optional(Type.Array(Type.Object({ value: Type.String(), display_name: Type.String() }))),
          },
          { description: 'One writable field, as DRF describes it' },
        ),
      ),
    }),
  },
  { title: 'DRF metadata (OPTIONS)' },
);
