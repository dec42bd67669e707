import type { Bindings, ChildLoggerOptions } from 'fastify/types/logger.js';
import {
  LogController,
  type FastifyBaseLogger,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import type { HushConfig } from '../core/config.js';

/**
 * Request logs carry method, path, status, time and request id. Nothing that can hold a credential or a secret
 * is logged; the redaction list is a second line of defence for anything that ends up in a log object anyway.
 */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-session-key"]',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.authorization',
  '*.private_key',
  '*.plaintext',
  '*.value',
  '*.data',
  '*.password',
  '*.token',
  '*.key',
  '*.session_key',
  '*.secret',
  '*.access_token',
  '*.refresh_token',
  '*.challenge',
];

/**
 * One line per request instead of Fastify's two ("incoming request" and "request completed"): the request's method
 * and path, its status and time, once it is answered. Serialising and writing a log line is a sizeable share of a
 * cheap request's CPU at the default `info` level (issue 18); one left unanswered is logged as "request aborted".
 * Everything else Fastify logs (errors, a refused request, a stream that failed) is unchanged.
 */
export class OneLinePerRequest extends LogController {
  /**
   * The "request completed" line goes through a child of the server's logger without pino's redaction: that line is
   * the `req` and `res` serializers' fixed fields (request id, method, path without its query, client address; status)
   * and the response time, none of which any redaction path names, so redacting it changed nothing but cost a third
   * of a cheap request's logging (pino's redaction walks every path for every key of the line: about 10 µs of
   * CPU per request, issue 18). Every other line (errors, aborted requests, handlers' own lines) keeps the redaction.
   */
  private readonly completedLoggers = new WeakMap<FastifyBaseLogger, FastifyBaseLogger>();

  private completedLogger(root: FastifyBaseLogger): FastifyBaseLogger {
    let logger = this.completedLoggers.get(root);
    if (!logger) this.completedLoggers.set(root, (logger = root.child({}, { redact: [] })));
    return logger;
  }

  // A request that is never answered (the client went away, a timeout cut it) gets no "completed" line: it is logged
  // when its connection closes instead, so aborted and hung work still leaves a trace.
  override incomingRequest(request: FastifyRequest, reply: FastifyReply): void {
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished)
        reply.log.info({ req: request, responseTime: reply.elapsedTime }, 'request aborted');
    });
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error)
      reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
    // The same line as `reply.log` writes: the request id is that logger's only binding, written right after the
    // server's own (pid, hostname), where it is here.
    else
      this.completedLogger(request.server.log).info(
        { reqId: request.id, req: request, res: reply, responseTime: reply.elapsedTime },
        'request completed',
      );
  }
}

type LogArgs = Parameters<FastifyBaseLogger['info']>;

/**
 * A request's logger (`request.log`, `reply.log`), made only once the request logs a line of its own. Fastify makes a
 * pino child per request, and making one (its bindings serialised, the redaction run over them) was about 5 % of a
 * cheap request's CPU (issue 18), for a logger most requests never use: their one line goes through
 * OneLinePerRequest's own logger. The child, when made, is the one Fastify would have made.
 */
class LazyRequestLogger implements FastifyBaseLogger {
  #real: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  private get real(): FastifyBaseLogger {
    return (this.#real ??= this.parent.child(this.bindings, this.options));
  }

  get level(): string {
    return this.#real?.level ?? this.options.level ?? this.parent.level;
  }

  set level(level: string) {
    this.real.level = level;
  }

  fatal(...args: LogArgs): void {
    this.real.fatal(...args);
  }
  error(...args: LogArgs): void {
    this.real.error(...args);
  }
  warn(...args: LogArgs): void {
    this.real.warn(...args);
  }
  info(...args: LogArgs): void {
    this.real.info(...args);
  }
  debug(...args: LogArgs): void {
    this.real.debug(...args);
  }
  trace(...args: LogArgs): void {
    this.real.trace(...args);
  }
  silent(...args: LogArgs): void {
    this.real.silent(...args);
  }
  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.real.child(bindings, options);
  }
}

/** Fastify's `childLoggerFactory`: see LazyRequestLogger. */
export function lazyRequestLogger(
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  return new LazyRequestLogger(logger, bindings, options);
}

/** A destination for log lines (pino's `DestinationStream`). */
export interface LogStream {
  write(line: string): void;
}

export function loggerOptions(config: HushConfig, stream?: LogStream): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    ...(stream ? { stream } : {}),
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: {
      // The path without its query string: queries may carry filters people consider sensitive.
      req: (req: { method: string; url: string; id: string; ip?: string }) => ({
        id: req.id,
        method: req.method,
        path: req.url.split('?')[0],
        ip: req.ip,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  };
}
