import type { FastifyInstance, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyInstance {
    /** HUSH_PUBLIC_URL without its trailing slash, or undefined to build URLs from each request. */
    hushPublicUrl: string | undefined;
  }
}

export function installPublicUrl(app: FastifyInstance, publicUrl: string | undefined): void {
  app.decorate('hushPublicUrl', publicUrl);
}

/**
 * Where clients reach Hush: HUSH_PUBLIC_URL when set, else the request's scheme and Host header (which any client
 * chooses, so answers to it can name any host; X-Forwarded-* count only from trusted proxies).
 */
export function publicOrigin(request: FastifyRequest): string {
  return request.server.hushPublicUrl ?? `${request.protocol}://${request.host}`;
}

/** An absolute URL for a path of ours, as NetBox renders `url` and `next`. */
export const absoluteUrl = (request: FastifyRequest, path: string): string => `${publicOrigin(request)}${path}`;

/** Whether clients reach Hush over TLS, for the `Secure` flag of cookies. */
export const reachedOverHttps = (request: FastifyRequest): boolean => publicOrigin(request).startsWith('https:');
