// Which scenarios have a floor, and what it stores and answers: built from the scenario's request and from Hush's
// own answer (sampled after every setup), so the floor sends a body of the same size and shape. What each floor
// does per request, and why that work is required, is in bench/README.md ("Floor").
import { phaseSecrets } from '../phase-data.js';
import type { PreparedRequest, Sample } from '../prepare.js';
import { renderValues } from '../scenarios.js';
import type { FloorRow, FloorScenario, RowsScenario } from './types.js';

type Json = Record<string, unknown>;

/** Per-connection and per-answer headers the floor sets itself; every other header of Hush's answer is copied. */
const OWN_HEADERS = new Set(['connection', 'content-length', 'date', 'keep-alive', 'transfer-encoding']);

function header(request: PreparedRequest, name: string): string | undefined {
  const found = Object.entries(request.headers).find(([key]) => key.toLowerCase() === name);
  return found?.[1];
}

function common(name: string, sample: Sample, request: PreparedRequest, permission: string) {
  const token = /^(?:Token|Bearer)\s+(\S+)$/i.exec(header(request, 'authorization') ?? '')?.[1];
  if (!token) throw new Error(`floor ${name}: the scenario's request carries no token`);
  const headers = Object.fromEntries(Object.entries(sample.headers).filter(([key]) => !OWN_HEADERS.has(key)));
  return { name, token, permission, headers, template: JSON.parse(sample.body) as unknown };
}

/** Rows of an answer: `sealed` fields move to the ciphertext and stay in place as null. */
function rowsOf(items: Json[], sealed: readonly string[], raw?: (item: Json) => Json): FloorRow[] {
  return items.map((item) => {
    const doc = { ...item };
    for (const field of sealed) doc[field] = null;
    const secret = sealed.length ? Object.fromEntries(sealed.map((f) => [f, item[f]])) : null;
    return { id: String(item.id), doc, sealed: secret && raw ? { ...secret, ...raw(item) } : secret };
  });
}

const listing = {
  single: false,
  snapshot: false,
  referencesIn: null,
  sessionKey: null,
  freshHeader: false,
  escapeSlashes: false,
} satisfies Partial<RowsScenario>;

type Builder = (name: string, sample: Sample, request: PreparedRequest) => FloorScenario;

export const floors: Record<string, Builder> = {
  // A NetBox-style paginated listing of users: no plaintext, so no decryption and no audit entry.
  'authenticated-read': (name, sample, request) => {
    const c = common(name, sample, request, 'users.view_user');
    const results = (c.template as { results: Json[] }).results;
    return {
      ...c,
      ...listing,
      kind: 'rows',
      rows: rowsOf(results, []),
      rowsAt: ['results'],
      countAt: ['count'],
      limit: 50,
      audit: null,
    };
  },
  // One environment's secrets: key, value and comment sealed as one per secret, references resolved after; kept
  // decrypted per environment revision, as Hush keeps its Phase snapshots.
  'phase-get-100': (name, sample, request) => {
    const c = common(name, sample, request, 'phase.secrets.read');
    const items = c.template as Json[];
    // The stored values are the unresolved ones the scenario wrote; the answer holds them resolved.
    const written = new Map(phaseSecrets(100, '/', true).map((s) => [s.key, s.value]));
    return {
      ...c,
      ...listing,
      kind: 'rows',
      rows: rowsOf(items, ['key', 'value', 'comment'], (item) => ({ value: written.get(String(item.key)) })),
      rowsAt: [],
      countAt: null,
      limit: 1000,
      audit: { engine: 'phase', action: 'secrets.read', objectType: 'phase.secret' },
      snapshot: true,
      referencesIn: 'value',
    };
  },
  // The caller's OpenPGP copy of one resource's secret, in Passbolt's envelope.
  'passbolt-secret-get': (name, sample, request) => {
    const c = common(name, sample, request, 'passbolt.secrets.read');
    const body = (c.template as { body: Json }).body;
    return {
      ...c,
      ...listing,
      kind: 'rows',
      rows: rowsOf([body], ['data']),
      rowsAt: ['body'],
      single: true,
      countAt: null,
      limit: 1,
      audit: { engine: 'passbolt', action: 'secret.read', objectType: 'passbolt.secret' },
      freshHeader: true,
      escapeSlashes: true,
    };
  },
  // A device's 100 secrets, each sealed with the master key that the request's session key unlocks.
  'netbox-list-100': (name, sample, request) => {
    const c = common(name, sample, request, 'netbox.secrets.view_secret');
    const results = (c.template as { results: Json[] }).results;
    const sessionKey = header(request, 'x-session-key');
    if (!sessionKey) throw new Error(`floor ${name}: the scenario's request carries no X-Session-Key`);
    return {
      ...c,
      ...listing,
      kind: 'rows',
      rows: rowsOf(results, ['plaintext']),
      rowsAt: ['results'],
      countAt: ['count'],
      limit: 100,
      audit: { engine: 'netbox', action: 'secrets.read', objectType: 'netbox.secret' },
      sessionKey,
    };
  },
  // A cloud-init template with 100 references, each value looked up by its key and decrypted.
  'lists-render-100': (name, sample, request) => ({
    ...common(name, sample, request, 'lists.values.read'),
    kind: 'render',
    values: renderValues.map((v, i) => ({ id: `value-${i}`, ...v })),
    audit: { engine: 'lists', action: 'template.render', objectType: 'lists.value' },
  }),
  // The request's private key opens the stored RSA-OAEP copy of the master key; a new session key is stored.
  'netbox-session-key': (name, sample, request) => {
    const privateKey = (JSON.parse(request.body ?? '{}') as { private_key?: string }).private_key;
    if (!privateKey) throw new Error(`floor ${name}: the scenario's request carries no private_key`);
    return {
      ...common(name, sample, request, 'netbox.session_key.add'),
      kind: 'session-key',
      privateKey,
      audit: { engine: 'netbox', action: 'session_key.create', objectType: 'netbox.session_key' },
    };
  },
};
