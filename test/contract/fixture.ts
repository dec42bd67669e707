import type { RunningHush } from '../helpers/server.js';

/** An answer as `RunningHush.request` gives it. */
export interface ContractResponse {
  status: number;
  // As RunningHush.request gives it: fixtures read the engine's JSON without declaring each shape.
  body: any;
  headers: Headers;
}

/** What a fixture works with while it drives its engine. */
export interface ContractRun {
  /** A server whose every request is recorded: the checks read the recording, not the fixture's word. */
  readonly hush: RunningHush;
  /**
   * Registers a value the fixture writes that must never reach the database files or the log in the clear (a
   * secret's plaintext, a password, a token, a private key); returns it.
   */
  plaintext(value: string): string;
  /** Says this answer is a change: the audit log must hold an entry of the engine for its request. Returns it. */
  changed<T extends ContractResponse>(response: T | Promise<T>): Promise<T>;
}

/**
 * One engine, as the contract suite (test/contract/contract.test.ts) drives it: a few functions, sharing whatever
 * state the engine needs in the closure of the factory that made them.
 */
export interface ContractFixture {
  /** The manifest's `name`. */
  readonly engine: string;
  /** Why `response` (a 4xx of this engine) is not in the engine's error envelope, or undefined when it is. */
  envelope(response: ContractResponse, path: string): string | undefined;
  /** The engine's main list route, asked without credentials, and the status the engine answers that with. */
  readonly anonymous: { readonly method: string; readonly path: string; readonly status: number };
  /**
   * Creates the engine's objects and calls every route that returns plaintext (at least once with a 2xx answer
   * that reveals something; HEAD twins of GETs are replayed by the suite) and some changes, marked with `changed`.
   */
  exercise(run: ContractRun): Promise<void>;
  /**
   * After `exercise`: a user without rights on an object of another user asks for it. `status` is the answer the
   * engine documents (its README), `documented` where.
   */
  foreign(run: ContractRun): Promise<{ response: ContractResponse; status: number; documented: string }>;
}

export type FixtureFactory = () => ContractFixture;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** NetBox's field errors: `{"field": ["message", …]}`, nested for related objects and bulk items. */
export const isFieldErrors = (v: unknown): boolean =>
  (isObject(v) &&
    Object.keys(v).length > 0 &&
    Object.values(v).every(
      (x) => (Array.isArray(x) && x.length > 0 && x.every((m) => typeof m === 'string')) || isFieldErrors(x),
    )) ||
  (Array.isArray(v) && v.length > 0 && v.every(isFieldErrors));

/** NetBox's REST envelope (the admin API's too): `{"detail": "…"}` or field errors. */
export function netboxRestEnvelope(response: ContractResponse): string | undefined {
  const { body } = response;
  if (isObject(body) && Object.keys(body).join() === 'detail' && typeof body.detail === 'string') return undefined;
  if (isFieldErrors(body)) return undefined;
  return `neither {"detail": "…"} nor field errors: ${JSON.stringify(body)?.slice(0, 200)}`;
}
