import type { FastifyRequest } from 'fastify';
import { unauthenticated } from '../core/errors.js';

/**
 * The credential styles every engine accepts: `Authorization: Token <key>` (NetBox, pynetbox) and
 * `Authorization: Bearer <key>`. The keyword is case-insensitive, as in NetBox; other schemes are not ours and are
 * treated as no credentials. Engines with other styles supply `extractCredential` in their manifest.
 */
export function defaultCredential(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^\s*(token|bearer)(?:\s+(.*))?$/i.exec(header);
  if (!match) return undefined;
  const key = (match[2] ?? '').trim();
  if (!key)
    throw unauthenticated(
      'Invalid authorization header: no credentials provided after the keyword.',
      'header_malformed',
    );
  if (/\s/.test(key))
    throw unauthenticated('Invalid authorization header: the token must not contain spaces.', 'header_malformed');
  return key;
}
