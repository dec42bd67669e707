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
}

/** The server's message from any of Hush's envelopes: Phase `{error}`, Lists `{error: {message}}`, NetBox `{detail}`/field errors. */
export function messageOf(body: unknown, describeItem = (i: number) => `item ${i} of the request`): string | undefined {
  if (typeof body === 'string') return body.trim().slice(0, 300) || undefined;
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  // Phase batches name the refused entry in `index` (beyond Phase).
  if (typeof b.error === 'string') return typeof b.index === 'number' ? `${describeItem(b.index)}: ${b.error}` : b.error;
  if (typeof b.error === 'object' && b.error !== null && typeof (b.error as { message?: unknown }).message === 'string') return (b.error as { message: string }).message;
  if (typeof b.detail === 'string') return b.detail;
  const fields = Object.entries(b).filter(([, v]) => Array.isArray(v) && v.every((m) => typeof m === 'string'));
  if (fields.length) return fields.map(([k, v]) => `${k}: ${(v as string[]).join(' ')}`).join('; ');
  return undefined;
}

/** NetBox-style engines answer a bad token with 403 and these texts; Phase and the lists engine with 401. */
const TOKEN_REFUSED = /invalid token|credentials were not provided|token expired|expired or deleted|token.*disabled|invalid authorization header/i;

const CHUNK = 64 * 1024;

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
  async function send(method: string, path: string, options: RequestOptions = {}): Promise<{ status: number; body: unknown }> {
    const url = new URL(settings.url + path);
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const headers: Record<string, string> = { authorization: `Bearer ${settings.token}`, accept: 'application/json' };
    let body: Buffer | ReadableStream<Uint8Array> | undefined;
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      const data = Buffer.from(JSON.stringify(options.body));
      if (options.onUpload) headers['content-length'] = String(data.length);
      body = options.onUpload ? streamOf(data, options.onUpload) : data;
    }
    let res: Response;
    try {
      res = await fetch(url, { method, headers, body, ...(options.onUpload ? { duplex: 'half' } : {}), signal: AbortSignal.timeout(300_000) } as RequestInit);
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (e as Error).message;
      throw new CliError(`cannot reach the Hush server at ${settings.url} (${why}): is it running? Check the address with "hush login --url URL" or HUSH_URL`, EXIT.unreachable);
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: an error page from a proxy, or not a Hush server at all
    }
    return { status: res.status, body: parsed };
  }

  async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const { status, body } = await send(method, path, options);
    if (status >= 200 && status < 300) {
      if (typeof body === 'string' && body !== '') throw new CliError(`the server at ${settings.url} did not answer ${method} ${path} as Hush does (status ${status}, not JSON): check the URL`);
      return body as T;
    }
    const message = messageOf(body, options.describeItem) ?? `status ${status}`;
    if (status === 401 || (status === 403 && TOKEN_REFUSED.test(message))) {
      throw new CliError(`the server refused the token (${message}): log in again with "hush login --url ${settings.url}" or set HUSH_TOKEN`, EXIT.unauthenticated);
    }
    if (status === 403) throw new CliError(`permission denied: ${message} Ask an administrator to grant access (hush admin permission grant …).`, EXIT.forbidden);
    if (status === 404) {
      if (typeof body === 'string' || body === null) throw new CliError(`${method} ${path}: not found on ${settings.url} (status 404, not a Hush answer): check the URL, or the server may lack this engine`, EXIT.notFound);
      throw new CliError(options.notFound ?? message, EXIT.notFound);
    }
    if (status === 409) throw new CliError(message, EXIT.conflict);
    if (status === 413) throw new CliError(`the request is too large for the server (${message}): split the input`);
    if (status >= 500) throw new CliError(`the server failed (status ${status}: ${message}); its log names the cause`);
    throw new CliError(message);
  }

  return { url: settings.url, send, request };
}

export type HushClient = ReturnType<typeof createClient>;
