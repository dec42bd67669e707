import { Type, type Static, type TSchema } from '@fastify/type-provider-typebox';

/** Schema atoms shared by every engine: bounded, so no field accepts unbounded input. */
export { Type, type Static, type TSchema };
/** The largest offset into a listing: beyond it, a number would overflow the databases' 64-bit integers. */
export { MAX_OFFSET } from './pagination.js';

export const Id = Type.Integer({ minimum: 1, maximum: 2 ** 31 - 1, description: 'Numeric id' });
export const IdParams = Type.Object({ id: Id });

export const Username = Type.String({
  minLength: 1,
  maxLength: 150,
  pattern: '^[\\w.@+-]+$',
  description: 'Letters, digits and @/./+/-/_ only',
});
export const Password = Type.String({ minLength: 8, maxLength: 1024, description: 'At least 8 characters' });
export const ShortText = Type.String({ maxLength: 200 });
export const LongText = Type.String({ maxLength: 2000 });
export const IsoDateTime = Type.String({ format: 'date-time', maxLength: 64, description: 'ISO-8601 date and time' });
/** `app_label.model`, e.g. `netbox_secrets.secret`. */
export const ObjectType = Type.String({ minLength: 3, maxLength: 100, pattern: '^[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*$' });
export const Action = Type.String({ minLength: 1, maxLength: 50, pattern: '^[a-z][a-z0-9_]*$' });

/** NetBox pagination: `limit` (0 = the maximum page) and `offset`; lenient like NetBox, bad values fall back. */
export const PageQuery = {
  limit: Type.Optional(Type.String({ maxLength: 12, description: 'Page size (default 50, max 1000, 0 = max)' })),
  offset: Type.Optional(Type.String({ maxLength: 12, description: 'Items to skip' })),
};

export const DetailError = Type.Object({ detail: Type.String() });

export function paginated<T extends ReturnType<typeof Type.Object>>(item: T) {
  return Type.Object({
    count: Type.Integer(),
    next: Type.Union([Type.String(), Type.Null()]),
    previous: Type.Union([Type.String(), Type.Null()]),
    results: Type.Array(item),
  });
}
