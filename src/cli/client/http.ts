import { CliError, EXIT } from './errors.js';
import type { Settings } from './config.js';

export interface RequestOptions {
  query?: Record<string, string | undefined>;
  body?: unknown;
  /** Called as the body leaves, for a progress bar on large uploads. */
  onUpload?: (sentBytes: number, totalBytes: number) => void;
  /** What a 404 means here, e.g. `list "prod" not found: run "hush lists"`; the server's text is used otherwise. */
  notFound?: string;
  /** Names a batch item the server refused (Phase's `index`), e.g. as `file.env:12 (DB_URL)`. */
  describeItem?: (index: number) => string;
  /**
   * Sent as `Idempotency-Key`: when the connection breaks after the request left, it is sent once more with the same
   * key, and a server that applied it answers from its record instead of applying it twice.
   */
  idempotencyKey?: string;
  /** How to find out whether a change whose answer was lost was applied, e.g. `"hush secrets list --app shop …"`. */
  howToCheck?: string;
}

/** The server's message from any of Hush's envelopes: Phase `{error}`, Lists `{error: {message}}`, NetBox `{detail}`/field errors. */
function messageOf(body: unknown, describeItem = (i: number) => `item ${i} of the request`): string | undefined {
  if (typeof body === 'string') return body.trim().slice(0, 300) || undefined;
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  // Phase batches name the refused entry in `index` (beyond Phase).
  if (typeof b.error === 'string')
    return typeof b.index === 'number' ? `${describeItem(b.index)}: ${b.error}` : b.error;
  if (typeof b.error === 'object' && b.error !== null && typeof (b.error as { message?: unknown }).message === 'string')
    return (b.error as { message: string }).message;
  if (typeof b.detail === 'string') return b.detail;
  const fields = Object.entries(b).filter(([, v]) => Array.isArray(v) && v.every((m) => typeof m === 'string'));
  if (fields.length) return fields.map(([k, v]) => `${k}: ${(v as string[]).join(' ')}`).join('; ');
  return undefined;
}

/** NetBox-style engines answer a bad token with 403 and these texts; Phase and the lists engine with 401. */
const TOKEN_REFUSED =
  /invalid token|credentials were not provided|token expired|expired or deleted|token.*disabled|invalid authorization header/i;

const CHUNK = 64 * 1024;

/**
 * Failures to connect: the request never left, so nothing can have been applied. Any other failure (a reset, the
 * other side closing, a timeout) may come after the server received the request.
 */
const NOT_SENT =
  /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EADDRNOTAVAIL|UND_ERR_CONNECT_TIMEOUT)$|CERT|TLS|SSL/;

/** No answer came: `sent` tells whether the request may have reached the server. */
class NoAnswer extends Error {
  constructor(
    readonly why: string,
    readonly sent: boolean,
  ) {
    super(why);
  }
}

function noAnswer(e: unknown): NoAnswer {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code;
  const why = code ?? cause?.message ?? (e as Error).message;
  return new NoAnswer(why, !(code && NOT_SENT.test(code)));
}

function streamOf(data: Uint8Array, onUpload: (sent: number, total: number) => void): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= data.length) {
        controller.close();
        return;
      }
      const chunk = data.subarray(sent, sent + CHUNK);
      sent += chunk.length;
      controller.enqueue(chunk);
      onUpload(sent, data.length);
    },
  });
}

/** A small client for Hush's HTTP APIs: JSON in and out, every failure turned into a CliError that names the fix. */
export function createClient(settings: Pick<Settings, 'url' | 'token'>) {
  /** One request; a failure without an answer is a NoAnswer. */
  async function attempt(
    method: string,
    path: string,
    options: RequestOptions,
  ): Promise<{ status: number; body: unknown }> {
    const url = new URL(settings.url + path);
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const headers: Record<string, string> = { authorization: `Bearer ${settings.token}`, accept: 'application/json' };
    if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
    let body: Buffer | ReadableStream<Uint8Array> | undefined;
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      const data = Buffer.from(JSON.stringify(options.body));
      if (options.onUpload) headers['content-length'] = String(data.length);
      body = options.onUpload ? streamOf(data, options.onUpload) : data;
    }
    let res: Response;
    let text: string;
    try {
      res = await fetch(url, {
        method,
        headers,
        body,
        ...(options.onUpload ? { duplex: 'half' } : {}),
        signal: AbortSignal.timeout(300_000),
      } as RequestInit);
      text = await res.text();
    } catch (e) {
      throw noAnswer(e);
    }
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: an error page from a proxy, or not a Hush server at all
    }
    return { status: res.status, body: parsed };
  }

  const unreachable = (why: string) =>
    new CliError(
      `cannot reach the Hush server at ${settings.url} (${why}): is it running? Check the address with "hush login --url URL" or HUSH_URL`,
      EXIT.unreachable,
    );

  /** The words for a change whose answer was lost: it may or may not be applied, and how to find out. */
  const outcomeUnknown = (what: string, options: RequestOptions) =>
    `${what}: the server may or may not have applied the change. ${options.howToCheck ? `Check with ${options.howToCheck}` : 'Check the data'} or in the audit log (GET /api/core/audit-log/) before trying again.`;

  /**
   * One attempt, and a second one when the connection broke after the request left and sending it again is safe:
   * reads, and changes that carry an Idempotency-Key (the server answers a repeated key from its record).
   */
  async function sendWithRetry(
    method: string,
    path: string,
    options: RequestOptions,
  ): Promise<{ status: number; body: unknown; retried: boolean }> {
    try {
      return { ...(await attempt(method, path, options)), retried: false };
    } catch (e) {
      if (!(e instanceof NoAnswer)) throw e;
      if (!e.sent) throw unreachable(e.why);
      const safe = method === 'GET' || options.idempotencyKey !== undefined;
      if (!safe)
        throw new CliError(
          outcomeUnknown(`the connection to ${settings.url} broke after the request was sent (${e.why})`, options),
          EXIT.unknownOutcome,
        );
      if (options.idempotencyKey)
        process.stderr.write(
          `hush: the connection broke after the request was sent (${e.why}); sending it again with the same Idempotency-Key\n`,
        );
      try {
        return { ...(await attempt(method, path, options)), retried: true };
      } catch (again) {
        if (!(again instanceof NoAnswer)) throw again;
        if (method === 'GET') throw unreachable(again.why);
        throw new CliError(
          outcomeUnknown(
            `the connection to ${settings.url} broke after the request was sent (${e.why}), and sending it again got no answer either (${again.why})`,
            options,
          ),
          EXIT.unknownOutcome,
        );
      }
    }
  }

  async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const { status, body, retried } = await sendWithRetry(method, path, options);
    if (retried && method !== 'GET' && (status < 200 || status >= 300)) {
      // The first attempt may have been applied and be the very reason the second is refused.
      const message = messageOf(body, options.describeItem) ?? `status ${status}`;
      throw new CliError(
        outcomeUnknown(
          `the connection broke after the request was sent, and sending it again was refused (${message})`,
          options,
        ),
        EXIT.unknownOutcome,
      );
    }
    if (status >= 200 && status < 300) {
      if (typeof body === 'string' && body !== '')
        throw new CliError(
          `the server at ${settings.url} did not answer ${method} ${path} as Hush does (status ${status}, not JSON): check the URL`,
        );
      return body as T;
    }
    const message = messageOf(body, options.describeItem) ?? `status ${status}`;
    if (status === 401 || (status === 403 && TOKEN_REFUSED.test(message))) {
      throw new CliError(
        `the server refused the token (${message}): log in again with "hush login --url ${settings.url}" or set HUSH_TOKEN`,
        EXIT.unauthenticated,
      );
    }
    if (status === 403)
      throw new CliError(
        `permission denied: ${message} Ask an administrator to grant access (hush admin permission grant …).`,
        EXIT.forbidden,
      );
    if (status === 404) {
      if (typeof body === 'string' || body === null)
        throw new CliError(
          `${method} ${path}: not found on ${settings.url} (status 404, not a Hush answer): check the URL, or the server may lack this engine`,
          EXIT.notFound,
        );
      throw new CliError(options.notFound ?? message, EXIT.notFound);
    }
    if (status === 409) throw new CliError(message, EXIT.conflict);
    if (status === 413) throw new CliError(`the request is too large for the server (${message}): split the input`);
    if (status >= 500) throw new CliError(`the server failed (status ${status}: ${message}); its log names the cause`);
    throw new CliError(message);
  }

  /** The status and body of any answer, for callers that read non-2xx answers themselves. */
  async function send(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<{ status: number; body: unknown }> {
    const { status, body } = await sendWithRetry(method, path, options);
    return { status, body };
  }

  return { url: settings.url, send, request };
}

export type HushClient = ReturnType<typeof createClient>;
