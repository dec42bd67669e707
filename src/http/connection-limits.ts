import type { Server } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import type { LimitsConfig } from '../core/config-limits.js';

const ms = (seconds: number) => Math.round(seconds * 1000);

/**
 * Socket limits for Fastify and node's HTTP server, so no client can hold a connection open for free. Fastify
 * disables node's request timeout by default, which let drip-fed bodies keep sockets open indefinitely. A client
 * that has not sent its headers within `headersTimeout` (counted from the connection or the request's first byte),
 * or its whole request within `requestTimeout`, gets 408 and is disconnected; idle keep-alive connections close
 * after `keepAliveTimeout`. Node checks the deadlines every `connectionsCheckingInterval`, so that is derived from the
 * headers timeout to keep the overshoot a fraction of it.
 */
export function socketTimeouts(limits: LimitsConfig) {
  const headersTimeout = ms(limits.headersTimeoutSeconds);
  const requestTimeout = ms(limits.requestTimeoutSeconds);
  return {
    requestTimeout,
    keepAliveTimeout: ms(limits.keepAliveTimeoutSeconds),
    http: {
      headersTimeout,
      requestTimeout,
      connectionsCheckingInterval: Math.min(30_000, Math.max(100, Math.round(headersTimeout / 4))),
    },
  };
}

// One line per minute at most: a flood of refused connections must not become a flood of log lines.
const DROP_LOG_INTERVAL_MS = 60_000;

/** Closes connections beyond `maxConnections` as soon as they are accepted, and says so in the log. */
export function capConnections(server: Server, limits: LimitsConfig, log: FastifyBaseLogger): void {
  server.maxConnections = limits.maxConnections;
  let lastLogged = 0;
  let dropped = 0;
  server.on('drop', () => {
    dropped++;
    const now = Date.now();
    if (now - lastLogged < DROP_LOG_INTERVAL_MS) return;
    log.warn({ dropped, maxConnections: limits.maxConnections }, 'refusing connections: HUSH_MAX_CONNECTIONS reached');
    lastLogged = now;
    dropped = 0;
  });
}
