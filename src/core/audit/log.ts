import { sql, type Kysely, type Selectable } from 'kysely';
import { nowIso } from '../ids.js';
import { literalCount } from '../store/page-sql.js';
import { preparedQuery } from '../store/prepared.js';
import type { DialectCapabilities } from '../store/dialect.js';
import type { AnyDb, Db } from '../store/tx.js';
import type { Page } from '../store/constraint.js';
import { entryHash, FIRST_STRIPE } from './chain.js';
import { listedObjectIds, objectIdsOf } from './objects.js';
import { auditQuery, queryBounds, type AuditFilter } from './query.js';
import { createChangeLedger } from './request-changes.js';
import { afterCommit } from '../store/after-commit.js';
import { createKnownSets, setIdOf, SET_THRESHOLD, withSetMembers, type ObjectSetRef } from './sets.js';
import {
  AUDIT_LOG_COLUMNS,
  type AuditEntrySetTable,
  type AuditLogTable,
  type AuditObjectTable,
  type AuditTables,
} from './tables.js';
import { verifyAuditChain, type VerifyReport } from './verify.js';

/** What happened. `details` is free-form context and must never hold a secret value; an event about many objects lists their ids as `details.objects`, where `object_id` filters find them. */
export interface AuditEvent {
  engine: string;
  action: string;
  objectType?: string | undefined;
  objectId?: string | number | undefined;
  /** Free-form context; an event about many objects lists their ids as `objects`, where `object_id` filters find them. */
  details?: Record<string, unknown> | undefined;
}

/**
 * The one entry for a request that revealed many objects (a listing, a render), naming them all in
 * `details.objects` where `object_id` searches find each; none when nothing was revealed.
 */
export function readOfMany(event: AuditEvent, objectIds: readonly string[]): AuditEvent[] {
  if (!objectIds.length) return [];
  return [{ ...event, details: { ...event.details, objects: objectIds } }];
}

/** Who and from where; the same for every event of one request. */
export interface AuditActor {
  userId: number | null;
  username: string | null;
  tokenId: number | null;
  clientIp: string | null;
  requestId: string | null;
  /**
   * This process's own key for the request, never stored: the change ledger counts by it, because `requestId` may
   * be the client's X-Request-ID, which two requests can share.
   */
  changeKey?: string | undefined;
}

export type { AuditFilter } from './query.js';

export type AuditEntry = Selectable<AuditLogTable>;

export const systemActor: AuditActor = { userId: null, username: null, tokenId: null, clientIp: null, requestId: null };

// Most rows per INSERT statement: 14 parameters each stays far below PostgreSQL's 65,535-parameter limit.
const ROWS_PER_INSERT = 512;
// Two parameters per (object id, entry) row of the side table.
const LINKS_PER_INSERT = 4096;
// Rows per INSERT of a set's members: written once per distinct set, so a plain statement.
const MEMBERS_PER_INSERT = 500;
// Events per group-commit transaction; the rest wait for the next one.
const EVENTS_PER_COMMIT = 5000;

/** Inserts rows into `table` in statements of a power of two rows each (at most `max`), each size compiled once. */
function chunkedInsert<T extends keyof AuditTables, R extends object>(
  db: Kysely<AuditTables>,
  table: T,
  max: number,
  columns: readonly (keyof R & string)[],
) {
  const values = (row: R) => columns.map((c) => row[c]);
  const bySize = new Map<number, (handle: AnyDb, ...args: unknown[]) => Promise<unknown>>();
  const statement = (size: number) => {
    let run = bySize.get(size);
    if (!run) {
      run = preparedQuery(db, size * columns.length, (q, ...args: unknown[]) =>
        q
          .insertInto(table)
          .values(
            Array.from({ length: size }, (_, r) =>
              Object.fromEntries(columns.map((c, i) => [c, args[r * columns.length + i]])),
            ) as never,
          ),
      );
      bySize.set(size, run);
    }
    return run;
  };
  return async (trx: AnyDb, rows: readonly R[]): Promise<void> => {
    for (let at = 0; at < rows.length;) {
      let size = max;
      while (size > rows.length - at) size >>= 1;
      await statement(size)(trx, ...rows.slice(at, at + size).flatMap(values));
      at += size;
    }
  };
}

interface Pending {
  actor: AuditActor;
  events: readonly AuditEvent[];
  done: (error?: unknown) => void;
}

/**
 * Which stripe an entry about `event` goes to when it opens a transaction's appends: the same object always maps to
 * the same stripe (FNV-1a of engine, type and id), so unrelated objects spread over the stripes; an event about no
 * object (a login, a token change) goes to the first.
 */
export function stripeFor(event: AuditEvent, stripes: number): number {
  if (event.objectId === undefined || stripes <= 1) return FIRST_STRIPE;
  const key = `${event.engine}\n${event.objectType ?? ''}\n${String(event.objectId)}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return FIRST_STRIPE + ((h >>> 0) % stripes);
}

export function createAuditLog(deps: { db: Kysely<AuditTables>; dialect: Pick<DialectCapabilities, 'name'> }) {
  const { db } = deps;
  const changes = createChangeLedger();

  // Every plaintext read and every change runs these: compiled once (prepared.ts), not built per request. Rows are
  // inserted in statements of 2^k rows (100 rows: 64 + 32 + 4), so the SQL texts are a fixed two dozen whatever the batch.
  // Locking a stripe is a no-op update of its head row that returns the head: on PostgreSQL the row lock is held to
  // commit, on SQLite the update takes the database's write lock, as every write does.
  const lockHead = preparedQuery(db, 1, (q, stripe: number) =>
    q
      .updateTable('core_audit_head')
      .set((eb) => ({ seq: eb.ref('seq') }))
      .where('id', '=', stripe)
      .returning(['seq', 'hash']),
  );
  const setHead = preparedQuery(db, 3, (q, stripe: number, seq: number, hash: string) =>
    q.updateTable('core_audit_head').set({ seq, hash }).where('id', '=', stripe),
  );
  // `seq` is unique and ordered across stripes. PostgreSQL's sequence hands numbers out without a lock held to
  // commit (a rollback leaves a gap, which the chain tolerates: it is checked by links); on SQLite, the only
  // writer counts on from the newest head.
  const nextSeqs =
    deps.dialect.name === 'postgres'
      ? preparedQuery(db, 1, (q, n: number) =>
          q.selectFrom(sql`generate_series(1, ${n})`.as('g')).select(sql<number>`nextval('core_audit_seq')`.as('seq')),
        )
      : undefined;
  // A batch of reads may go to any stripe (it is in no object's history of changes): on PostgreSQL it takes the
  // first head no other transaction holds, starting from a rotating one, instead of queueing behind a change.
  const lockFreeHead =
    deps.dialect.name === 'postgres'
      ? preparedQuery(db, 2, (q, from: number, count: number) =>
          q
            .selectFrom('core_audit_head')
            .select(['id', 'seq', 'hash'])
            .orderBy(sql`(id + ${from}) % ${count}`)
            .limit(1)
            .forUpdate()
            .skipLocked(),
        )
      : undefined;
  let rotation = 0;
  const topSeq = preparedQuery(db, 0, (q) =>
    q.selectFrom('core_audit_head').select((eb) => eb.fn.max('seq').as('seq')),
  );
  const stripeCount = preparedQuery(db, 0, (q) =>
    q.selectFrom('core_audit_head').select((eb) => eb.fn.countAll<number>().as('n')),
  );
  const insertRows = chunkedInsert<'core_audit_log', AuditLogTable>(
    db,
    'core_audit_log',
    ROWS_PER_INSERT,
    AUDIT_LOG_COLUMNS,
  );
  const insertLinks = chunkedInsert<'core_audit_object', AuditObjectTable>(db, 'core_audit_object', LINKS_PER_INSERT, [
    'object_id',
    'seq',
  ]);

  const insertEntrySets = chunkedInsert<'core_audit_entry_set', AuditEntrySetTable>(
    db,
    'core_audit_entry_set',
    LINKS_PER_INSERT,
    ['set_id', 'seq'],
  );
  const knownSets = createKnownSets();

  // Stripes change only by a migration, which runs before any log is created: counted once.
  let stripes: number | undefined;
  // The stripe each open transaction appends to. One transaction holds one stripe's lock, however many appends it
  // makes, so two transactions never wait for each other's stripes in opposite orders (no deadlock).
  const stripeOfTransaction = new WeakMap<object, number>();

  async function allocate(trx: AnyDb, n: number): Promise<number[]> {
    if (nextSeqs) return (await nextSeqs(trx, n)).rows.map((r) => Number(r.seq)).sort((a, b) => a - b);
    const top = Number((await topSeq(trx)).rows[0]?.seq ?? 0);
    return Array.from({ length: n }, (_, i) => top + 1 + i);
  }

  /**
   * Appends entries after their stripe's head, holding that head's row lock, inside `trx`. `anyStripe`: the caller's
   * transaction holds nothing else and appends once (a group commit of reads), so any free stripe will do.
   */
  async function appendEntries(
    callerTrx: AnyDb,
    entries: readonly { actor: AuditActor; event: AuditEvent }[],
    anyStripe = false,
  ): Promise<void> {
    if (!entries.length) return;
    // `trx` is the caller's transaction, typed with the caller's own tables; the audit tables are reached through it.
    const trx = callerTrx as Db<AuditTables>;
    stripes ??= Number((await stripeCount(trx)).rows[0]?.n ?? 1);
    let stripe = stripeOfTransaction.get(trx);
    let head: { seq: number; hash: string } | undefined;
    if (stripe === undefined && anyStripe && lockFreeHead) {
      rotation = (rotation + 1) % stripes;
      const free = (await lockFreeHead(trx, rotation, stripes)).rows[0];
      if (free) {
        stripe = free.id;
        head = free;
      }
    }
    if (stripe === undefined) {
      stripe = stripeFor(entries[0]!.event, stripes);
      stripeOfTransaction.set(trx, stripe);
    }
    head ??= (await lockHead(trx, stripe)).rows[0];
    if (!head) throw new Error(`The audit chain has no head row for stripe ${stripe}.`);
    let { hash } = head;
    const seqs = await allocate(trx, entries.length);
    const at = nowIso();
    const rows: AuditLogTable[] = [];
    const links: { object_id: string; seq: number }[] = [];
    const entrySets: AuditEntrySetTable[] = [];
    const newSets = new Map<string, string[]>();
    entries.forEach(({ actor, event }, i) => {
      const seq = seqs[i]!;
      const objectId = event.objectId === undefined ? null : String(event.objectId);
      const listed = listedObjectIds(event.details);
      let details = event.details ?? {};
      if (listed.length > SET_THRESHOLD) {
        // A read of many: its ids go into (or are found in) an object set, and the entry keeps the set's id.
        const set_id = setIdOf(listed);
        const { objects: _ids, ...rest } = details;
        details = { ...rest, objects_set: set_id, objects_count: listed.length } satisfies ObjectSetRef;
        entrySets.push({ set_id, seq });
        if (!knownSets.has(set_id)) newSets.set(set_id, listed);
        if (objectId !== null) links.push({ object_id: objectId, seq });
      } else for (const object_id of objectIdsOf(objectId, details)) links.push({ object_id, seq });
      const row = {
        seq,
        at,
        actor_user_id: actor.userId,
        actor_username: actor.username,
        token_id: actor.tokenId,
        engine: event.engine,
        action: event.action,
        object_type: event.objectType ?? null,
        object_id: objectId,
        client_ip: actor.clientIp,
        request_id: actor.requestId,
        details: JSON.stringify(details),
        prev_hash: hash,
        stripe,
      };
      hash = entryHash(row);
      rows.push({ ...row, hash });
    });
    await insertRows(trx, rows);
    await insertLinks(trx, links);
    if (newSets.size) await writeSets(trx, newSets);
    await insertEntrySets(trx, entrySets);
    await setHead(trx, stripe, seqs[seqs.length - 1]!, hash);
  }

  /**
   * The members of object sets this process has not seen committed: written if no process has yet (the set's id
   * is its content's digest), in one order everywhere so that two transactions writing one set never deadlock, and
   * known once this transaction commits.
   */
  async function writeSets(trx: Db<AuditTables>, sets: ReadonlyMap<string, readonly string[]>): Promise<void> {
    const members = [...sets]
      .flatMap(([set_id, ids]) => ids.map((object_id) => ({ object_id, set_id })))
      .sort((a, b) => (a.object_id < b.object_id ? -1 : a.object_id > b.object_id ? 1 : a.set_id < b.set_id ? -1 : 1));
    for (let i = 0; i < members.length; i += MEMBERS_PER_INSERT)
      await trx
        .insertInto('core_audit_set_member')
        .values(members.slice(i, i + MEMBERS_PER_INSERT))
        .onConflict((oc) => oc.doNothing())
        .execute();
    await afterCommit(trx, () => {
      for (const setId of sets.keys()) knownSets.add(setId);
    });
  }

  /**
   * Group commit: reads that arrive while a commit is running are written together in the next one, so a busy
   * server pays one transaction per batch instead of one per request. Each caller still waits for the commit that
   * holds its entries, and sees its failure (the plaintext hook then fails closed).
   */
  const queue: Pending[] = [];
  let flushing = false;

  async function flush(): Promise<void> {
    while (queue.length) {
      let count = 0;
      const take = queue.findIndex((p) => (count += p.events.length) > EVENTS_PER_COMMIT);
      const batch = take <= 0 ? queue.splice(0, take === 0 ? 1 : queue.length) : queue.splice(0, take);
      try {
        await db.transaction().execute((trx) =>
          appendEntries(
            trx,
            batch.flatMap((p) => p.events.map((event) => ({ actor: p.actor, event }))),
            true,
          ),
        );
        for (const p of batch) p.done();
      } catch (e) {
        for (const p of batch) p.done(e);
      }
    }
    flushing = false;
  }

  return {
    /**
     * Appends events to the chain inside `trx`, the transaction of the change they describe, so a change and its
     * record commit or roll back together. The lock makes appends from several processes take turns.
     */
    async appendWithin(trx: AnyDb, actor: AuditActor, events: readonly AuditEvent[]): Promise<void> {
      await appendEntries(
        trx,
        events.map((event) => ({ actor, event })),
      );
      const key = actor.changeKey;
      if (key === undefined || !events.length) return;
      changes.note(key, events.length);
      await afterCommit(trx, () => changes.noteSaved(key));
    },

    /** How many change entries the request with `changeKey` appended with `appendWithin`; asked once, when answered. */
    changesOf: (changeKey: string): number => changes.take(changeKey),

    /** Whether a transaction with change entries of the request `changeKey` has committed (write-outcome.ts). */
    changeSaved: (changeKey: string): boolean => changes.saved(changeKey),

    /** Appends in a transaction of its own (plaintext reads, which change nothing else), batched with concurrent ones. */
    append(actor: AuditActor, events: readonly AuditEvent[]): Promise<void> {
      if (!events.length) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        queue.push({ actor, events, done: (error) => (error === undefined ? resolve() : reject(error)) });
        // On the next turn of the event loop, after the requests that arrived with this one have queued theirs:
        // SQLite answers synchronously, so flushing at once would commit every read alone.
        if (!flushing) {
          flushing = true;
          setImmediate(() => void flush());
        }
      });
    },

    async list(filter: AuditFilter, page: Page): Promise<{ count: number; rows: AuditEntry[] }> {
      const q = auditQuery(db, filter, await queryBounds(db, filter));
      const [{ n }, rows] = await Promise.all([
        q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
        q
          .selectAll()
          .orderBy('seq', 'desc')
          .limit(literalCount(page.limit))
          .offset(literalCount(page.offset))
          .execute(),
      ]);
      return { count: Number(n), rows: await withSetMembers(db, rows) };
    },

    /** Walks the whole chain (what `hush admin audit verify` runs): a read of every entry, in batches. */
    verify: (): Promise<VerifyReport> => verifyAuditChain(db),
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
