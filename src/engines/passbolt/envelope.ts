import type { FastifyRequest } from 'fastify';
import { createHash, randomUUID } from 'node:crypto';
import { actionNameOf } from './actions.js';

/**
 * Passbolt's response envelope `{header, body}` (passbolt_api src/Controller/AppController.php `success()`/`error()`):
 * `id` is a fresh UUID per request, `action` the UUID v5 of the route's "Controller.action" under Passbolt's seed
 * (src/Utility/UuidFactory.php PASSBOLT_SEED; actions.ts), `servertime` Unix seconds, `url` the request path and
 * query (Router::url()), spelled with `\/` by the engine's JSON encoding (php-json.ts).
 */
const PASSBOLT_SEED = 'd5447ca1-950f-459d-8b20-86ddfdd0f922';

/** RFC 4122 name-based UUID (SHA-1), as Ramsey\Uuid::uuid5; ids only, nothing secret goes through it. */
export function uuid5(name: string, namespace = PASSBOLT_SEED): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export interface Header {
  id: string;
  status: 'success' | 'error';
  servertime: number;
  /** Deprecated by Passbolt but still sent: `app_<controller>_<action>_<status>`. */
  title: string;
  action: string;
  message: string;
  url: string;
  code: number;
}

export function header(request: FastifyRequest, status: Header['status'], code: number, message: string): Header {
  const operationId = (request.routeOptions?.schema as { operationId?: string } | undefined)?.operationId;
  const operation = operationId?.replace(/^passbolt_/, '') ?? 'error';
  return {
    id: randomUUID(),
    status,
    servertime: Math.floor(Date.now() / 1000),
    title: `app_${operation}_${status}`,
    action: uuid5(actionNameOf(operationId)),
    message,
    url: request.url,
    code,
  };
}

export const SUCCESS = 'The operation was successful.';

/** A success envelope; every handler returns through this. */
export function ok<T>(request: FastifyRequest, body: T, message = SUCCESS): { header: Header; body: T } {
  return { header: header(request, 'success', 200, message), body };
}
