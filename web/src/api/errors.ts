/**
 * One readable sentence from any engine's error envelope: NetBox's `{"detail"}`, Phase's `{"error"}`, the lists
 * engine's `{"error": {"message"}}`, Passbolt's `{"header": {"message"}}`, or the status alone.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

function messageOf(body: unknown): string | undefined {
  if (typeof body === 'string' && body.trim()) return body.trim().slice(0, 300);
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  for (const field of ['detail', 'error', 'message']) {
    const v = b[field];
    if (typeof v === 'string' && v) return v;
    const inner = messageOf(v);
    if (inner) return inner;
  }
  const header = b.header as Record<string, unknown> | undefined;
  if (header && typeof header.message === 'string') return header.message;
  // NetBox's field errors: {"name": ["This field is required."]}
  const fields = Object.entries(b).filter(([, v]) => Array.isArray(v) && v.every((x) => typeof x === 'string'));
  if (fields.length) return fields.map(([k, v]) => `${k}: ${(v as string[]).join(' ')}`).join('; ');
  return undefined;
}

const STATUS_TEXT: Record<number, string> = {
  401: 'Your session has ended; sign in again.',
  403: 'You do not have permission to do this.',
  404: 'Not found.',
  429: 'Too many attempts; wait a minute and try again.',
  503: 'The server is unavailable (its database may be down).',
};

export function apiError(response: Response, body: unknown): ApiError {
  const message =
    messageOf(body) ?? STATUS_TEXT[response.status] ?? `The server answered ${response.status} ${response.statusText}.`;
  return new ApiError(response.status, response.status === 403 && !messageOf(body) ? STATUS_TEXT[403]! : message);
}

/** Unwraps an openapi-fetch result: the data, or an ApiError thrown (for TanStack Query's error state). */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok) return result.data as T;
  throw apiError(result.response, result.error);
}

export function describe(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError) return 'The server cannot be reached. Is Hush running?';
  return error instanceof Error ? error.message : String(error);
}
