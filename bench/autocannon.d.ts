// autocannon ships no types; this covers only what the harness uses (autocannon 8, README "API").
declare module 'autocannon' {
  export interface Options {
    url: string;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    connections?: number;
    pipelining?: number;
    /** seconds */
    duration?: number;
    /** requests to send in all; replaces `duration` when set */
    amount?: number;
    /** seconds per request */
    timeout?: number;
  }

  export interface Stats {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    p50: number;
    p90: number;
    p97_5: number;
    p99: number;
  }

  export interface Result {
    /** per-second samples of completed requests */
    requests: Stats & { total: number; sent: number };
    /** milliseconds, in whole milliseconds only */
    latency: Stats;
    throughput: Stats & { total: number };
    /** includes timeouts */
    errors: number;
    timeouts: number;
    non2xx: number;
    statusCodeStats: Record<string, { count: number }>;
    /** seconds */
    duration: number;
  }

  export interface Instance extends PromiseLike<Result> {
    on(
      event: 'response',
      listener: (client: unknown, statusCode: number, bytes: number, responseTimeMs: number) => void,
    ): this;
    on(event: 'reqError', listener: (error: Error) => void): this;
    stop(): void;
  }

  export default function autocannon(options: Options): Instance;
}
