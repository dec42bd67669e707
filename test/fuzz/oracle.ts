import type { RawResponse } from './http.js';
import type { FuzzRequest } from './requests.js';
import { allEngines } from '../../src/engines/index.js';

/**
 * What every answer must be, whatever was asked: an answer (not a dropped connection), never a 5xx, no stack trace
 * or internal path, an error in the envelope of the engine that owns the path, `Cache-Control: no-store` and the
 * security headers on errors.
 */
export type Check =
  'answered' | 'no 5xx' | 'no internals' | 'envelope' | 'error headers' | 'empty JSON body accepted' | 'log';

export interface Finding {
  check: Check;
  detail: string;
  request?: FuzzRequest;
  response?: RawResponse;
  /** Set when the finding is a known one (KNOWN_FINDINGS) waived until its fix merges. */
  known?: string;
}

/**
 * Known findings waived while their fix is under way. Each waives exactly its symptom, for the checks it names, and
 * is removed when its fix lands; a waiver that no longer matches anything is reported at the end of the run, so a
 * stale one is visible.
 */
export const KNOWN_FINDINGS: {
  id: string;
  checks: Check[];
  matches: (req: FuzzRequest, res: RawResponse, text: string) => boolean;
}[] = [];

/** Log waivers, by the log line's message (see KNOWN_FINDINGS for the rule on removing them). */
export const KNOWN_LOG_FINDINGS: { id: string; matches: (line: Record<string, unknown>) => boolean }[] = [];

/** Stack frames, source positions and paths of this machine: nothing a client should ever see. */
const INTERNALS: [RegExp, string][] = [
  [/\bat (async )?[\w$.<>[\] ]*\(?(file:\/\/|node:|\/)[^\s)]*:\d+/, 'a stack frame'],
  [/\n\s+at \S/, 'a stack trace'],
  [/\/work\b/, 'a path of this machine'],
  [/node_modules/, 'a node_modules path'],
  [/\.ts:\d|\.js:\d+:\d+/, 'a source position'],
  [
    /\b(SqliteError|SQLITE_[A-Z]+|ECONNREFUSED|duplicate key value violates|relation "[a-z_]+"|syntax error at or near)\b/,
    'a database error',
  ],
];

export type Envelope = 'netbox' | 'passbolt' | 'phase' | 'lists';

/**
 * Each engine's own prefixes, from the manifests the server mounts (so a path an engine takes over is checked in its
 * envelope); the longest prefix wins, as in the server's not-found handler. NetBox's envelope is also the admin's
 * and the system's.
 */
const ENVELOPES: Record<string, Envelope> = { lists: 'lists', passbolt: 'passbolt', phase: 'phase' };
const PREFIXES: [string, Envelope][] = allEngines()
  .flatMap((engine) => engine.prefixes.map((p): [string, Envelope] => [p, ENVELOPES[engine.name] ?? 'netbox']))
  .sort((a, b) => b[0].length - a[0].length);

/** Phase's root liveness answer is the core's (src/http/plugins/system.ts), so `/` has the system's envelope. */
export const envelopeOf = (path: string): Envelope => PREFIXES.find(([p]) => path.startsWith(p))?.[1] ?? 'netbox';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isFieldErrors = (v: unknown): boolean =>
  isObject(v) &&
  Object.keys(v).length > 0 &&
  Object.values(v).every(
    (x) =>
      (Array.isArray(x) && x.length > 0 && x.every((m) => typeof m === 'string')) ||
      isFieldErrors(x) ||
      (Array.isArray(x) && x.every(isFieldErrors)),
  );

/** Why `body` is not an error in `envelope`'s shape, or undefined when it is. */
export function envelopeProblem(envelope: Envelope, path: string, res: RawResponse, text: string): string | undefined {
  const type = String(res.headers['content-type'] ?? '');
  if (envelope === 'netbox' && /^text\/(html|plain)/.test(type)) {
    // NetBox's session-key views answer plain text, and its GraphQL view a credential problem.
    return /^\/(api\/(plugins\/)?secrets\/|graphql)/.test(path) && text.length > 0
      ? undefined
      : `plain text (${type}) outside the NetBox secrets views`;
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return `not JSON (${type || 'no content type'})`;
  }
  switch (envelope) {
    case 'netbox': {
      if (isObject(body) && Object.keys(body).join() === 'detail' && typeof body.detail === 'string') return undefined;
      if (isFieldErrors(body)) return undefined;
      const secretsView = /^\/api\/(plugins\/)?secrets\//.test(path);
      if (secretsView && Array.isArray(body) && body.length > 0 && body.every((m) => typeof m === 'string'))
        return undefined;
      if (secretsView && isObject(body) && Object.keys(body).join() === 'error' && typeof body.error === 'string')
        return undefined;
      return 'neither {"detail"} nor field errors';
    }
    case 'passbolt': {
      const header = isObject(body) ? body.header : undefined;
      if (!isObject(header) || header.status !== 'error' || typeof header.message !== 'string')
        return 'no {header: {status: "error", message}}';
      if (header.code !== res.status) return `header.code ${String(header.code)} differs from the status ${res.status}`;
      if (!('body' in (body as object))) return 'no body member';
      return undefined;
    }
    case 'phase': {
      if (!isObject(body) || typeof body.error !== 'string') return 'no {"error": "…"}';
      const extra = Object.keys(body).filter((k) => !['error', 'index', 'field'].includes(k));
      return extra.length ? `unexpected members ${extra.join(', ')}` : undefined;
    }
    case 'lists': {
      const error = isObject(body) ? body.error : undefined;
      return isObject(error) && typeof error.code === 'string' && typeof error.message === 'string'
        ? undefined
        : 'no {"error": {"code", "message"}}';
    }
  }
}

/** Every finding for one exchange, each marked `known` when a KNOWN_FINDINGS entry waives it. */
export function checkExchange(req: FuzzRequest, res: RawResponse): Finding[] {
  const text = res.body.toString('utf8');
  const path = req.path.split('?')[0]!;
  const found: Finding[] = [];
  const add = (check: Check, detail: string) => {
    const known = KNOWN_FINDINGS.find((k) => k.checks.includes(check) && k.matches(req, res, text))?.id;
    found.push({ check, detail, request: req, response: res, ...(known ? { known } : {}) });
  };
  if (res.status === 0) {
    add('answered', res.error ?? 'no answer');
    return found;
  }
  if (res.status >= 500) add('no 5xx', `status ${res.status}`);
  for (const [re, what] of INTERNALS)
    if (re.test(text) || re.test(String(res.headers.location ?? ''))) add('no internals', `the answer holds ${what}`);
  if (res.status >= 400 && req.method !== 'HEAD') {
    const envelope = envelopeOf(path);
    const problem = envelopeProblem(envelope, path, res, text);
    if (problem) add('envelope', `${envelope} envelope expected: ${problem}`);
  }
  if (res.status >= 400) {
    if (!/no-store/.test(String(res.headers['cache-control'] ?? '')))
      add('error headers', 'no Cache-Control: no-store');
    if (res.headers['x-content-type-options'] !== 'nosniff') add('error headers', 'no X-Content-Type-Options: nosniff');
  }
  if (text.includes('Body cannot be empty when content-type is set to application/json'))
    add('empty JSON body accepted', 'an empty body with a JSON content type was refused');
  return found;
}

/**
 * The server's log after the run: no request content (the canary), no credential, and no error-level line for a
 * request that did not fail (an error the client never heard of is a bug hidden behind a 2xx/4xx).
 */
export function checkLog(stdout: string, canary: string, secrets: Record<string, string>): Finding[] {
  const found: Finding[] = [];
  const statusOf = new Map<string, number>();
  const errors: Record<string, unknown>[] = [];
  for (const raw of stdout.split('\n')) {
    let line: Record<string, unknown>;
    try {
      line = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      continue;
    }
    const res = line.res as { statusCode?: number } | undefined;
    // Request ids may come from the client (X-Request-ID), so several requests can share one: keep the worst.
    if (typeof line.reqId === 'string' && typeof res?.statusCode === 'number')
      statusOf.set(line.reqId, Math.max(res.statusCode, statusOf.get(line.reqId) ?? 0));
    if (raw.includes(canary)) {
      const known = KNOWN_LOG_FINDINGS.find((k) => k.matches(line))?.id;
      found.push({
        check: 'log',
        detail: `request content in the log: ${raw.slice(0, 300)}`,
        ...(known ? { known } : {}),
      });
    }
    for (const [name, value] of Object.entries(secrets))
      if (raw.includes(value))
        found.push({
          check: 'log',
          detail: `the ${name} is in the log: ${raw.slice(0, 200).split(value).join(`<${name}>`)}`,
        });
    if (typeof line.level === 'number' && line.level >= 50) errors.push(line);
  }
  for (const line of errors) {
    const status = statusOf.get(String(line.reqId));
    if (status !== undefined && status < 500)
      found.push({
        check: 'log',
        detail: `an error was logged for a request answered ${status}: ${JSON.stringify(line).slice(0, 500)}`,
      });
  }
  return found;
}
