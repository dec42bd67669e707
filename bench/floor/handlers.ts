// The floor's request handlers: for each kind of scenario, the work a secrets server cannot skip (bench/README.md,
// "Floor"), written as directly as node:http and better-sqlite3 allow. Nothing here comes from Hush's code.
import type Database from 'better-sqlite3';
import {
  constants,
  createPrivateKey,
  createPublicKey,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  randomUUID,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { open, seal, sha256, type Actor, type Store } from './store.js';
import type { RenderScenario, RowsScenario, SessionKeyScenario } from './types.js';

export interface Answer {
  status: number;
  body: string;
}

export type Handler = (req: IncomingMessage, body: Buffer) => Promise<Answer>;

export class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const OAEP = { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' } as const;
const REFERENCE = /\$\{([A-Za-z0-9_.-]+)\}/g;
const TEMPLATE_REFERENCE = /\$\{\{\s*secret\.([A-Za-z0-9_.-]+)\s*\}\}/g;

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.allocUnsafe(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

/** A copy of `value` with `at` replaced by `part`, copying only the objects on the way. */
function placed(value: unknown, at: readonly string[], part: unknown): unknown {
  if (!at.length) return part;
  const [first, ...rest] = at as [string, ...string[]];
  const object = value as Record<string, unknown>;
  return { ...object, [first]: placed(object[first], rest, part) };
}

/** Token digest lookup with its expiry, then the permission lookup: every request pays both. */
function authorise(store: Store, req: IncomingMessage, permission: string): Actor {
  const match = /^(?:Token|Bearer)\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  const caller = match ? store.caller(match[1]!) : undefined;
  if (!caller) throw new Refusal(401, 'invalid token');
  if (!store.allowed(caller.userId, permission)) throw new Refusal(403, 'not allowed');
  return { ...caller, clientIp: req.socket.remoteAddress ?? null, requestId: randomUUID() };
}

export function rowsHandler(db: Database.Database, store: Store, rootKey: Buffer, s: RowsScenario): Handler {
  const userId = store.addCaller(`user-${sha256(s.token).toString('hex').slice(0, 12)}`, s.token, s.permission);
  db.prepare('INSERT INTO scopes VALUES (?, 1)').run(s.name);
  // NetBox: values are sealed with a master key only a session key unlocks; the server keeps the key masked.
  const masterKey = s.sessionKey ? randomBytes(32) : rootKey;
  if (s.sessionKey) {
    const sessionKey = Buffer.from(s.sessionKey, 'base64');
    db.prepare('INSERT INTO sessions (user_id, hash, masked, created) VALUES (?, ?, ?, ?)').run(
      userId,
      sha256(sessionKey),
      seal(rootKey, xor(sessionKey, masterKey), `session:${userId}`),
      new Date().toISOString(),
    );
  }
  const insert = db.prepare('INSERT INTO rows VALUES (?, ?, ?, ?, ?)');
  s.rows.forEach((row, i) => {
    const sealed = row.sealed && seal(masterKey, Buffer.from(JSON.stringify(row.sealed)), `${s.name}:${row.id}`);
    insert.run(s.name, i, row.id, JSON.stringify(row.doc), sealed);
  });

  const revision = db.prepare<[string], { revision: number }>('SELECT revision FROM scopes WHERE name = ?');
  const session = db.prepare<[number], { hash: Buffer; masked: Buffer }>(
    'SELECT hash, masked FROM sessions WHERE user_id = ?',
  );
  const page = db.prepare<[string, number], { id: string; doc: string; sealed: Buffer | null }>(
    'SELECT id, doc, sealed FROM rows WHERE scope = ? ORDER BY position LIMIT ?',
  );
  const count = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM rows WHERE scope = ?');
  const template = s.single ? s.template : placed(s.template, s.rowsAt, []);

  function keyOf(req: IncomingMessage, actor: Actor): Buffer {
    if (!s.sessionKey) return rootKey;
    const given = Buffer.from(String(req.headers['x-session-key'] ?? ''), 'base64');
    const row = session.get(actor.userId);
    if (!row || given.length !== 32 || !timingSafeEqual(sha256(given), row.hash))
      throw new Refusal(400, 'invalid session key');
    return xor(given, open(rootKey, row.masked, `session:${actor.userId}`));
  }

  function decrypted(key: Buffer): Record<string, unknown>[] {
    const rows = page.all(s.name, s.limit).map((row) => {
      const doc = JSON.parse(row.doc) as Record<string, unknown>;
      if (row.sealed) Object.assign(doc, JSON.parse(open(key, row.sealed, `${s.name}:${row.id}`).toString('utf8')));
      return doc;
    });
    if (s.referencesIn) {
      const field = s.referencesIn;
      const byKey = new Map(rows.map((r) => [String(r.key), String(r[field])]));
      for (const r of rows) {
        const text = String(r[field]);
        if (text.includes('${')) r[field] = text.replace(REFERENCE, (whole, name: string) => byKey.get(name) ?? whole);
      }
    }
    return rows;
  }

  let snapshot: { revision: number; rows: Record<string, unknown>[] } | undefined;
  function current(key: Buffer): Record<string, unknown>[] {
    if (!s.snapshot) return decrypted(key);
    const found = revision.get(s.name);
    if (!found) throw new Refusal(404, 'no such environment');
    if (snapshot?.revision !== found.revision) snapshot = { revision: found.revision, rows: decrypted(key) };
    return snapshot.rows;
  }

  return async (req) => {
    const actor = authorise(store, req, s.permission);
    const rows = current(keyOf(req, actor));
    let answer = placed(template, s.rowsAt, s.single ? rows[0] : rows) as Record<string, unknown>;
    if (s.countAt) answer = placed(answer, s.countAt, count.get(s.name)!.n) as Record<string, unknown>;
    if (s.freshHeader) {
      const header = { ...(answer.header as object), id: randomUUID(), servertime: Math.floor(Date.now() / 1000) };
      answer = { ...answer, header };
    }
    if (s.audit) {
      const ids = rows.map((r) => String(r.id));
      await store.append({
        actor,
        audit: s.audit,
        objectId: s.single ? (ids[0] ?? null) : null,
        details: s.single ? {} : { objects: ids },
      });
    }
    const text = JSON.stringify(answer);
    return { status: 200, body: s.escapeSlashes ? text.replace(/\//g, '\\/') : text };
  };
}

export function renderHandler(db: Database.Database, store: Store, rootKey: Buffer, s: RenderScenario): Handler {
  store.addCaller(`user-${sha256(s.token).toString('hex').slice(0, 12)}`, s.token, s.permission);
  const insert = db.prepare('INSERT INTO vals VALUES (?, ?, ?)');
  for (const v of s.values) {
    const content = JSON.stringify({ secret_key: v.key, secret_value: v.value });
    insert.run(v.key, v.id, seal(rootKey, Buffer.from(content), `vals:${v.id}`));
  }
  const lookup = db.prepare<[string], { id: string; sealed: Buffer }>('SELECT id, sealed FROM vals WHERE key = ?');

  return async (req, body) => {
    const actor = authorise(store, req, s.permission);
    const text = (JSON.parse(body.toString('utf8')) as { template?: unknown }).template;
    if (typeof text !== 'string') throw new Refusal(400, 'template must be a string');
    const values = new Map<string, string>();
    const ids: string[] = [];
    for (const [, key] of text.matchAll(TEMPLATE_REFERENCE)) {
      if (values.has(key!)) continue;
      const row = lookup.get(key!);
      if (!row) throw new Refusal(400, `no secret ${key}`);
      const content = JSON.parse(open(rootKey, row.sealed, `vals:${row.id}`).toString('utf8')) as {
        secret_value: string;
      };
      values.set(key!, content.secret_value);
      ids.push(row.id);
    }
    const rendered = text.replace(TEMPLATE_REFERENCE, (_, key: string) => values.get(key)!);
    await store.append({ actor, audit: s.audit, objectId: null, details: { objects: ids } });
    return { status: 200, body: JSON.stringify({ ...(s.template as object), rendered }) };
  };
}

/** One session-key scenario's key pair and stored master-key copy, also used by the bare RSA loop. */
export interface RsaMaterial {
  privateKey: KeyObject;
  masterKeyCipher: Buffer;
}

export function sessionKeyHandler(
  db: Database.Database,
  store: Store,
  rootKey: Buffer,
  s: SessionKeyScenario,
): { handler: Handler; rsa: RsaMaterial } {
  const userId = store.addCaller(`user-${sha256(s.token).toString('hex').slice(0, 12)}`, s.token, s.permission);
  const privateKey = createPrivateKey(s.privateKey);
  const masterKeyCipher = publicEncrypt({ key: createPublicKey(privateKey), ...OAEP }, randomBytes(32));
  db.prepare('INSERT INTO user_keys VALUES (?, ?)').run(userId, masterKeyCipher);
  const userKey = db.prepare<[number], { master_key_cipher: Buffer }>(
    'SELECT master_key_cipher FROM user_keys WHERE user_id = ?',
  );
  const remove = db.prepare('DELETE FROM sessions WHERE user_id = ?');
  const insert = db.prepare('INSERT INTO sessions (user_id, hash, masked, created) VALUES (?, ?, ?, ?)');
  // The new session key, its record and the audit entry commit together, in one write transaction.
  const replace = db.transaction((actor: Actor, hash: Buffer, masked: Buffer, created: string) => {
    remove.run(actor.userId);
    const id = Number(insert.run(actor.userId, hash, masked, created).lastInsertRowid);
    store.appendWithin([{ actor, audit: s.audit, objectId: String(id), details: { user: actor.username } }]);
    return id;
  });

  const handler: Handler = async (req, body) => {
    const given = (JSON.parse(body.toString('utf8')) as { private_key?: unknown }).private_key;
    const actor = authorise(store, req, s.permission);
    if (typeof given !== 'string') throw new Refusal(400, 'private_key is required');
    const own = userKey.get(actor.userId);
    if (!own) throw new Refusal(400, 'no user key');
    let master: Buffer;
    try {
      master = privateDecrypt({ key: createPrivateKey(given), ...OAEP }, own.master_key_cipher);
    } catch {
      throw new Refusal(400, 'invalid private key');
    }
    const sessionKey = randomBytes(32);
    const masked = seal(rootKey, xor(sessionKey, master), `session:${actor.userId}`);
    // NetBox's timestamps carry microseconds.
    const created = new Date().toISOString().replace('Z', '000Z');
    const id = replace.immediate(actor, sha256(sessionKey), masked, created);
    const answer = { ...(s.template as object), id, session_key: sessionKey.toString('base64'), created };
    // 201, as NetBox answers a new session key.
    return { status: 201, body: JSON.stringify(answer) };
  };
  return { handler, rsa: { privateKey, masterKeyCipher } };
}

/** RSA-OAEP decryptions of the stored master-key copy, back to back, for `seconds`: the bare cost of the one RSA op. */
export function rsaLoop(rsa: RsaMaterial, seconds: number) {
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const end = start + seconds * 1000;
  let operations = 0;
  while (performance.now() < end) {
    privateDecrypt({ key: rsa.privateKey, ...OAEP }, rsa.masterKeyCipher);
    operations += 1;
  }
  const cpu = process.cpuUsage(cpuBefore);
  return { operations, seconds: (performance.now() - start) / 1000, cpuMicros: cpu.user + cpu.system };
}
