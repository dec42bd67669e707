// The floor's storage: one SQLite file (WAL, synchronous=NORMAL, as Hush runs SQLite), tokens kept as SHA-256
// digests, permissions as rows, values sealed with AES-256-GCM bound to their row, and a hash-chained audit log
// whose head is read and written in the same transaction as the entries (so several processes could share it).
import Database from 'better-sqlite3';
import { createCipheriv, createDecipheriv, createHash, randomBytes, randomUUID } from 'node:crypto';
import type { FloorAudit } from './types.js';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** iv ‖ tag ‖ AES-256-GCM(key, plaintext), with `aad` binding it to its row. */
export function seal(key: Buffer, plaintext: Buffer, aad: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

export function open(key: Buffer, sealed: Buffer, aad: string): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
}

export const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest();

const SCHEMA = `
  CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE, is_active INTEGER NOT NULL);
  CREATE TABLE tokens (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id),
    digest BLOB NOT NULL UNIQUE, expires INTEGER);
  CREATE TABLE permissions (user_id INTEGER NOT NULL REFERENCES users(id), permission TEXT NOT NULL,
    PRIMARY KEY (user_id, permission)) WITHOUT ROWID;
  CREATE TABLE scopes (name TEXT PRIMARY KEY, revision INTEGER NOT NULL);
  CREATE TABLE rows (scope TEXT NOT NULL, position INTEGER NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL,
    sealed BLOB, PRIMARY KEY (scope, position));
  CREATE TABLE vals (key TEXT PRIMARY KEY, id TEXT NOT NULL, sealed BLOB NOT NULL);
  CREATE TABLE user_keys (user_id INTEGER PRIMARY KEY, master_key_cipher BLOB NOT NULL);
  CREATE TABLE sessions (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL UNIQUE, hash BLOB NOT NULL,
    masked BLOB NOT NULL, created TEXT NOT NULL);
  CREATE TABLE audit_log (seq INTEGER PRIMARY KEY, at TEXT NOT NULL, actor_user_id INTEGER, actor_username TEXT,
    token_id INTEGER, engine TEXT NOT NULL, action TEXT NOT NULL, object_type TEXT, object_id TEXT,
    client_ip TEXT, request_id TEXT, details TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
  CREATE TABLE audit_head (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, hash TEXT NOT NULL);
  INSERT INTO audit_head VALUES (1, 0, '${'0'.repeat(64)}');
`;

export function openDatabase(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.exec(SCHEMA);
  return db;
}

export interface Caller {
  tokenId: number;
  userId: number;
  username: string;
}

/** Who a request is, from where: what every audit entry records. */
export interface Actor extends Caller {
  clientIp: string | null;
  requestId: string;
}

export interface AuditEntry {
  actor: Actor;
  audit: FloorAudit;
  objectId: string | null;
  details: Record<string, unknown>;
}

export function createStore(db: Database.Database) {
  const tokenStatement = db.prepare<[Buffer, number], { tokenId: number; userId: number; username: string }>(
    `SELECT t.id AS tokenId, u.id AS userId, u.username AS username FROM tokens t JOIN users u ON u.id = t.user_id
     WHERE t.digest = ? AND (t.expires IS NULL OR t.expires > ?) AND u.is_active = 1`,
  );
  const permissionStatement = db.prepare<[number, string], { ok: number }>(
    'SELECT 1 AS ok FROM permissions WHERE user_id = ? AND permission = ?',
  );
  const headStatement = db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit_head WHERE id = 1');
  const insertEntry = db.prepare(
    `INSERT INTO audit_log (seq, at, actor_user_id, actor_username, token_id, engine, action, object_type, object_id,
       client_ip, request_id, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const updateHead = db.prepare('UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1');

  /** Appends after the head, inside the caller's transaction (a change and its record commit together). */
  function appendWithin(entries: readonly AuditEntry[]): void {
    let { seq, hash } = headStatement.get()!;
    const at = new Date().toISOString();
    for (const { actor, audit, objectId, details } of entries) {
      seq += 1;
      const fields = [
        seq,
        at,
        actor.userId,
        actor.username,
        actor.tokenId,
        audit.engine,
        audit.action,
        audit.objectType,
        objectId,
        actor.clientIp,
        actor.requestId,
        JSON.stringify(details),
        hash,
      ] as const;
      hash = createHash('sha256').update(JSON.stringify(fields)).digest('hex');
      insertEntry.run(...fields, hash);
    }
    updateHead.run(seq, hash);
  }

  // Group commit: the reads that arrive in one turn of the event loop share one transaction, and each answer waits
  // for the commit that holds its entry.
  const queue: Array<{ entry: AuditEntry; done: (error?: unknown) => void }> = [];
  const commitQueued = db.transaction(() => appendWithin(queue.map((p) => p.entry)));
  function flush(): void {
    const batch = queue.slice();
    try {
      commitQueued.immediate();
      queue.length = 0;
      for (const p of batch) p.done();
    } catch (error) {
      queue.length = 0;
      for (const p of batch) p.done(error);
    }
  }

  /** Recomputes every entry's hash from its columns and its predecessor's hash, and checks the head. */
  function verify(): { entries: number; ok: boolean; firstBad: number | null } {
    let prev = '0'.repeat(64);
    let entries = 0;
    for (const row of db.prepare('SELECT * FROM audit_log ORDER BY seq').iterate() as Iterable<
      Record<string, unknown>
    >) {
      const fields = [
        row.seq,
        row.at,
        row.actor_user_id,
        row.actor_username,
        row.token_id,
        row.engine,
        row.action,
        row.object_type,
        row.object_id,
        row.client_ip,
        row.request_id,
        row.details,
        row.prev_hash,
      ];
      const hash = createHash('sha256').update(JSON.stringify(fields)).digest('hex');
      if (row.prev_hash !== prev || row.hash !== hash) return { entries, ok: false, firstBad: Number(row.seq) };
      prev = hash;
      entries += 1;
    }
    const head = headStatement.get()!;
    return { entries, ok: head.hash === prev && head.seq === entries, firstBad: null };
  }

  return {
    verify,
    /** The token's user, when the token's digest names an unexpired token of an active user. */
    caller(token: string): Caller | undefined {
      return tokenStatement.get(sha256(token), Date.now());
    },
    allowed: (userId: number, permission: string) => permissionStatement.get(userId, permission) !== undefined,
    appendWithin,
    /** Resolves once the entry is committed; rejects (and the answer is a 500) when the commit fails. */
    append(entry: AuditEntry): Promise<void> {
      return new Promise((resolve, reject) => {
        queue.push({ entry, done: (error) => (error === undefined ? resolve() : reject(error)) });
        if (queue.length === 1) setImmediate(flush);
      });
    },
    /** A user with a token and one permission, for seeding. */
    addCaller(username: string, token: string, permission: string): number {
      const found = db.prepare<[string], { id: number }>('SELECT id FROM users WHERE username = ?').get(username);
      const userId =
        found?.id ??
        Number(db.prepare('INSERT INTO users (username, is_active) VALUES (?, 1)').run(username).lastInsertRowid);
      db.prepare('INSERT OR IGNORE INTO tokens (user_id, digest, expires) VALUES (?, ?, ?)').run(
        userId,
        sha256(token),
        Date.now() + 86_400_000,
      );
      db.prepare('INSERT OR IGNORE INTO permissions VALUES (?, ?)').run(userId, permission);
      return userId;
    },
  };
}

export type Store = ReturnType<typeof createStore>;

export const requestId = () => randomUUID();
