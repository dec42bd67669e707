import type { Prng } from '../helpers/prng.js';

/**
 * The fuzzer's vocabulary: odd path segments, query values, JSON values and byte-level corruptions. Strings that
 * go into bodies carry the canary (a secret-looking marker) so the log can be searched for request content; none of
 * them contains what the oracle looks for in answers (`/work`, `node_modules`, `.ts:`, stack frames).
 */

/** Path segments as they appear on the wire (already percent-encoded where that is the point). */
export const ODD_SEGMENTS: readonly string[] = [
  '..',
  '.',
  '%2e%2e',
  '%2E%2E%2F%2E%2E',
  '..%2f..%2fpackage.json',
  '%00',
  'a%00b',
  '%ff',
  '%c3%28',
  '%ed%a0%80',
  '%',
  '%zz',
  '%2',
  '-1',
  '0',
  '-0',
  '1e19',
  '1E3',
  '18446744073709551616',
  '9007199254740993',
  '1.5',
  '0x10',
  'NaN',
  'Infinity',
  'null',
  'true',
  '%5B%5D',
  '%7B%7D',
  "'",
  '%22',
  '%3Cscript%3E',
  '%20',
  '+',
  '%2F',
  'a;b',
  'x'.repeat(100),
  'x'.repeat(101),
  'x'.repeat(3000),
  '%E2%80%AE',
  '%F0%9F%94%91',
  '00000000-0000-4000-8000-000000000000',
  '00000000-0000-0000-0000-00000000000g',
  'fz-missing',
  'FZ_MISSING',
  '\u00ff',
  '\u00c3\u0028',
  '',
  'a/b',
  '%252e%252e',
  '~',
  '*',
];

/** The docs' static wildcard, where path traversal is the interesting question. */
export const ODD_WILDCARDS: readonly string[] = [
  '..',
  '../..',
  '../../package.json',
  '%2e%2e/%2e%2e/package.json',
  '..%2f..%2fpackage.json',
  'index.html',
  'swagger-ui.css',
  'x'.repeat(200),
  '%00',
  '.%00.',
  '%ff',
];

export const ODD_QUERY_VALUES: readonly string[] = [
  '',
  '1e19',
  '-1',
  '0',
  '-0',
  '99999999999999999999',
  '9007199254740993',
  '1.5',
  'abc',
  '%00',
  '%ff',
  '%zz',
  'a'.repeat(3000),
  'true',
  'false',
  '%5B%5D',
  '%7B%7D',
  'null',
  '2024-13-45T99:99:99Z',
  '2030-01-01T00:00:00Z',
  '%2e%2e%2f',
  '%2F',
  '*',
  '%25',
  '1%2C2',
  ',',
  'development',
  'PRODUCTION',
];

/** Query names beyond each route's documented ones: NetBox filters, Passbolt's contain/filter, Phase's context. */
export const QUERY_NAMES: readonly string[] = [
  'limit',
  'offset',
  'q',
  'id',
  'id__n',
  'id__gt',
  'id__lte',
  'name',
  'name__ic',
  'name__nisw',
  'name__empty',
  'slug',
  'ordering',
  'brief',
  'format',
  'key_size',
  'app_id',
  'env',
  'path',
  'key',
  'tags',
  'api-version',
  'contain[permission]',
  'contain[secret]',
  'filter[has-access]',
  'filter[search]',
  'filter[has-id][]',
  'user_id',
  'created__gte',
  'last_updated__lt',
  'role_id',
  'role',
  'device_id',
  'device',
  'assigned_object_id',
  'assigned_object_type',
  'virtual_machine_id',
  'preserve_key',
  'query',
  'variables',
  'username',
  'since',
  'until',
  'engine',
  'actor',
  'object_id',
  'action',
  'object_type',
  'user',
  'is_active',
  'is_superuser',
  '__proto__',
  'constructor',
];

/** Values for a JSON field that is not what it should be. `c` is the canary. */
export function oddValue(r: Prng, c: string): unknown {
  switch (r.int(0, 9)) {
    case 0:
      return r.pick([
        null,
        true,
        false,
        0,
        -1,
        1.5,
        1e19,
        -1e308,
        2 ** 53 + 2,
        0.1,
        Number.MAX_SAFE_INTEGER,
        -2147483649,
      ]);
    case 1:
      return r.pick([
        '',
        ' ',
        '.',
        '0',
        '-1',
        '1e19',
        'NaN',
        'null',
        'true',
        '[]',
        '{}',
        '2024-13-45T99:99:99Z',
        'None',
      ]);
    case 2:
      return r.pick([
        `${c}\u0000`,
        `\u0000${c}`,
        `${c}\ud800`,
        `${c}\udfff\ud800`,
        `${c}\u202e`,
        `${c}🔑`,
        `${c}\r\n\t`,
        `${c}\u0085\u2028`,
      ]);
    case 3:
      return `${c}${'x'.repeat(r.pick([150, 256, 1025, 70_000, 300_000]))}`;
    case 4:
      return r.pick([
        `../../${c}`,
        `\${{secret.FZ_KEY}}${c}`,
        `\${{ secret.${c} }}`,
        `$\${{x}}`,
        `<script>${c}</script>`,
        `' OR 1=1 --${c}`,
        `%00${c}`,
        `{{${c}}}`,
      ]);
    case 5:
      return r.pick([[], [null], [1, 2, 3], [c], Array.from({ length: 2000 }, () => c), [[[]]], [{}]]);
    case 6:
      return r.pick([
        {},
        { a: { b: {} } },
        { id: c },
        JSON.parse(`{"__proto__": {"polluted": "${c}"}}`),
        { constructor: { prototype: { polluted: c } } },
        { toString: c },
      ]);
    case 7:
      return nested(r.pick([50, 500, 2000]), r.chance(0.5));
    case 8:
      return r.pick([-1, 0, 1e19, 2 ** 31, 2 ** 63, -(2 ** 53), 1.0000000001, 1.2345678901234568e29]);
    default:
      return c;
  }
}

/** Arrays or objects nested `depth` deep. */
export function nested(depth: number, objects: boolean): unknown {
  let v: unknown = objects ? {} : [];
  for (let i = 0; i < depth; i++) v = objects ? { a: v } : [v];
  return v;
}

/** Applies 1–3 structural mutations to a JSON value: a field replaced, dropped or added, or the whole thing replaced. */
export function mutate(r: Prng, value: unknown, c: string): { value: unknown; notes: string[] } {
  const notes: string[] = [];
  let v = structuredClone(value);
  const rounds = r.int(1, 3);
  for (let i = 0; i < rounds; i++) {
    const target = pickContainer(r, v);
    const op = r.int(0, 9);
    if (op === 0) {
      v = oddValue(r, c);
      notes.push('whole body replaced');
    } else if (target && !Array.isArray(target) && op <= 5) {
      const keys = Object.keys(target);
      const key =
        keys.length && r.chance(0.85)
          ? r.pick(keys)
          : r.pick(['extra', '__proto__', 'id', 'constructor', c.slice(0, 8)]);
      if (op === 5 && keys.length) {
        delete target[key];
        notes.push(`-${key}`);
      } else {
        target[key] = oddValue(r, c);
        notes.push(`${key}=odd`);
      }
    } else if (Array.isArray(target) && target.length) {
      target[r.int(0, target.length - 1)] = oddValue(r, c);
      notes.push('item=odd');
    } else if (op === 9) {
      v = [v];
      notes.push('wrapped in a list');
    }
  }
  return { value: v, notes };
}

function pickContainer(r: Prng, v: unknown): any {
  let node: any = v;
  for (let depth = 0; depth < 4; depth++) {
    const children =
      node && typeof node === 'object' ? Object.values(node).filter((x) => x && typeof x === 'object') : [];
    if (!children.length || r.chance(0.5)) break;
    node = r.pick(children);
  }
  return node && typeof node === 'object' ? node : undefined;
}

/** Bytes that are not UTF-8: a stray continuation, an overlong slash, a surrogate, a 5-byte form, a truncated sequence. */
const BAD_UTF8: readonly number[][] = [
  [0xff],
  [0xfe, 0xff],
  [0xc3, 0x28],
  [0xc0, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xe2, 0x82],
];

/** The body bytes for a value; about half the time corrupted at the byte or syntax level, emptied or inflated. */
export function encodeBody(r: Prng, value: unknown, c: string): { bytes: Buffer; notes: string[] } {
  const text = JSON.stringify(value) ?? 'null';
  const op = r.int(0, 15);
  switch (op) {
    case 0:
      return { bytes: Buffer.from(text.slice(0, r.int(0, Math.max(0, text.length - 1)))), notes: ['truncated JSON'] };
    case 1: {
      const at = r.int(0, text.length);
      return {
        bytes: Buffer.from(
          text.slice(0, at) +
            r.pick(['}', ']', ',', ':', '"', '\\', "'", 'NaN', '\u0000', '//', '\n}{']) +
            text.slice(at),
        ),
        notes: ['junk inserted'],
      };
    }
    case 2:
      return {
        bytes: Buffer.from(
          r.pick([
            `{'a': '${c}'}`,
            '{"a":1,}',
            '[1,]',
            'NaN',
            'undefined',
            '{"a":1}{"a":2}',
            `"${c}`,
            `${c}`,
            '\ufeff' + text,
            text + '\u0000',
            '{"a":01}',
            '{"a":1e999}',
          ]),
        ),
        notes: ['malformed JSON'],
      };
    case 3: {
      // Inside the first string, so the damage is in a value rather than in the syntax.
      const bytes = Buffer.from(text);
      const quote = bytes.indexOf(0x22);
      const at = quote >= 0 ? quote + 1 : 0;
      return {
        bytes: Buffer.concat([bytes.subarray(0, at), Buffer.from(r.pick(BAD_UTF8)), bytes.subarray(at)]),
        notes: ['invalid UTF-8 bytes'],
      };
    }
    case 4: {
      // Written as text: JSON.stringify itself overflows the stack on the deepest.
      const depth = r.pick([1000, 10_000, 100_000]);
      const text = r.chance(0.5)
        ? '['.repeat(depth) + ']'.repeat(depth)
        : '{"a":'.repeat(depth) + '{}' + '}'.repeat(depth);
      return { bytes: Buffer.from(text), notes: [`nested ${depth} deep`] };
    }
    case 5:
      return {
        bytes: Buffer.from(
          JSON.stringify({
            ...(typeof value === 'object' && value ? value : {}),
            pad: c + 'x'.repeat(r.pick([1_500_000, 2_300_000])),
          }),
        ),
        notes: ['huge body'],
      };
    case 6:
      return { bytes: Buffer.alloc(0), notes: ['empty body'] };
    default:
      return { bytes: Buffer.from(text), notes: [] };
  }
}

export const CONTENT_TYPES: readonly (string | undefined)[] = [
  undefined,
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=fz',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/xml',
  'application/json, text/plain',
  'a/b/c',
  '',
  'application/vnd.api+json',
  'application/JSON',
  'application/json;',
  'application/merge-patch+json',
  '*/*',
  'application/octet-stream',
];

/** Authorization headers that are not a valid credential. */
export function badAuthorization(r: Prng, c: string): string {
  return r.pick([
    'Token',
    'Token ',
    'Bearer',
    'Bearer ',
    `Token ${'0'.repeat(40)}`,
    `Token ${'a'.repeat(4000)}`,
    `Bearer User ${'f'.repeat(40)}`,
    'Bearer ServiceAccount ',
    'Basic Zno6Zno=',
    `Token ${c} extra words`,
    'Token \u00ff\u00fe',
    'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.',
    'Bearer eyJhbGciOiJSUzI1NiJ9.e30.AAAA',
    `Digest ${c}`,
    ',,,',
    'Token 1e19',
    'Bearer pss_service:v1:00:00:00:00',
  ]);
}
