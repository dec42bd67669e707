import type { HeaderSpec, HttpMethod, OneShot, RequestOverrides, Scenario, ScenarioContext } from './scenarios.js';

/** One scenario's request with everything resolved, sent identically to Hush and to the ceiling. */
export interface PreparedRequest {
  method: HttpMethod;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export function snippet(text: string): string {
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

export function scenarioContext(baseUrl: string, adminToken: string): ScenarioContext {
  return {
    baseUrl,
    adminToken,
    async api(method, path, body) {
      const headers: Record<string, string> = { Authorization: `Token ${adminToken}`, Accept: 'application/json' };
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      const init: RequestInit = { method, headers };
      if (body !== undefined) init.body = JSON.stringify(body);
      const res = await fetch(`${baseUrl}${path}`, init);
      const text = await res.text();
      if (!res.ok) throw new Error(`setup: ${method} ${path} answered ${res.status}: ${snippet(text)}`);
      return text ? (JSON.parse(text) as unknown) : undefined;
    },
  };
}

/** Scenarios and one-shots resolve their requests the same way, so both kinds send what the README promises. */
function resolve(
  method: HttpMethod,
  spec: HeaderSpec | undefined,
  ctx: ScenarioContext,
  path: string,
  overrides: RequestOverrides,
  body?: string,
): PreparedRequest {
  const base = typeof spec === 'function' ? spec(ctx) : (spec ?? {});
  const headers = { ...base, ...overrides.headers };
  const sent = overrides.body ?? body;
  if (sent !== undefined && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) {
    headers['Content-Type'] = 'application/json';
  }
  const request: PreparedRequest = { method, path: overrides.path ?? path, headers };
  if (sent !== undefined) request.body = sent;
  return request;
}

export async function prepare(scenario: Scenario, ctx: ScenarioContext): Promise<PreparedRequest> {
  const overrides = (await scenario.setup?.(ctx)) ?? {};
  return resolve(scenario.method, scenario.headers, ctx, scenario.path, overrides, scenario.body);
}

/** The warm-up request, then `runs` timed ones. All built up front, so building a body is never part of a timing. */
export async function prepareOneShot(shot: OneShot, ctx: ScenarioContext, runs: number): Promise<PreparedRequest[]> {
  const requestOf = await shot.setup(ctx);
  return Array.from({ length: runs + 1 }, (_, run) => {
    const overrides = requestOf(run);
    return resolve(shot.method, shot.headers, ctx, overrides.path, overrides);
  });
}

/** One answer: its body and its headers (names in lower case). */
export interface Sample {
  body: string;
  headers: Record<string, string>;
}

/** Sends the request once; a non-2xx here would make the whole measurement meaningless, so it stops the run. */
export async function sampleAnswer(
  baseUrl: string,
  path: string,
  request: PreparedRequest,
  label: string,
): Promise<Sample> {
  const init: RequestInit = { method: request.method, headers: request.headers };
  if (request.body !== undefined) init.body = request.body;
  const res = await fetch(`${baseUrl}${path}`, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`${label}: ${request.method} ${path} answered ${res.status}: ${snippet(text)}`);
  return { body: text, headers: Object.fromEntries(res.headers) };
}

export async function sampleBody(
  baseUrl: string,
  path: string,
  request: PreparedRequest,
  label: string,
): Promise<string> {
  return (await sampleAnswer(baseUrl, path, request, label)).body;
}
