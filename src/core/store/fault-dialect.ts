import { HushError } from '../errors.js';
import type { CompiledQuery, DatabaseConnection, Dialect, Driver, QueryResult, TransactionSettings } from 'kysely';
import { storeFaultError, storeFaultOf, type StoreFault } from './faults.js';
import { refuseNulIn } from './text-guard.js';

/** What the store learns from its driver, for its health (see health.ts). */
export interface FaultHooks {
  /** A store fault was seen, just before it is thrown as a HushError. */
  onFault(fault: StoreFault): void;
  /** A write reached the disk: a transaction that wrote committed, or a write ran on its own. */
  onWriteSaved(): void;
  /**
   * True when the engine has already ended the open transaction by itself: SQLite rolls back on its own after some
   * errors (SQLITE_FULL among them), and Kysely's ROLLBACK would then fail with "cannot rollback - no transaction is
   * active", an error that replaces the one that explains what happened.
   */
  transactionEnded?(): boolean;
  /**
   * True on PostgreSQL: after a statement fails, the transaction is aborted, and a COMMIT then rolls back without an
   * error (a caught failure inside a transaction); what waits for the commit must not run.
   */
  errorAbortsTransaction?: boolean;
}

// A statement that cannot change anything; everything else counts as a write.
const READ_ONLY_SQL = /^\s*(select|pragma|show|explain)\b/i;

const isWrite = (query: CompiledQuery) => query.query.kind !== 'SelectQueryNode' && !READ_ONLY_SQL.test(query.sql);

export class GuardedConnection implements DatabaseConnection {
  /** The socket died: the server ended its transaction, and the pool drops the client on release. */
  lost = false;
  inTransaction = false;
  wroteInTransaction = false;
  /** Run once the open transaction commits, dropped if it rolls back (after-commit.ts). */
  afterCommit: (() => void)[] = [];
  /** A statement of the open transaction failed (and was caught, if the transaction still commits). */
  failedInTransaction = false;

  constructor(
    readonly inner: DatabaseConnection,
    private readonly driver: FaultTranslatingDriver,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    // Every query passes here, built or prepared: refused before it reaches the database (text-guard.ts).
    refuseNulIn(query);
    let result: QueryResult<R>;
    try {
      result = await this.inner.executeQuery<R>(query);
    } catch (e) {
      if (this.inTransaction) this.failedInTransaction = true;
      throw this.driver.translate(e, this);
    }
    if (isWrite(query)) {
      if (this.inTransaction) this.wroteInTransaction = true;
      else this.driver.hooks.onWriteSaved();
    }
    return result;
  }

  async *streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    refuseNulIn(query);
    try {
      yield* this.inner.streamQuery<R>(query, chunkSize);
    } catch (e) {
      throw this.driver.translate(e, this);
    }
  }
}

/**
 * Wraps a driver so that every error reaching Kysely has been sorted once (faults.ts): a lost database or a full disk
 * becomes HushError('unavailable') with a client-safe message, whichever engine or command ran the query.
 */
class FaultTranslatingDriver implements Driver {
  readonly #connections = new WeakMap<DatabaseConnection, GuardedConnection>();

  constructor(
    private readonly inner: Driver,
    readonly hooks: FaultHooks,
  ) {}

  translate(e: unknown, connection?: GuardedConnection, options: { duringCommit?: boolean } = {}): unknown {
    // PostgreSQL refuses values SQLite compares and simply finds nothing for: 22003, a number from the request (an id
    // filter, say) beyond its column's type; 22P02, text that is no number where one is compared ("Infinity").
    // Both are the client's mistake, not a server fault; every other database error stays an error.
    const code = (e as { code?: unknown } | null)?.code;
    if (code === '22003' || code === '22P02') {
      const message =
        code === '22003'
          ? 'A number in the request is out of range.'
          : 'A value in the request is not valid where it is used.';
      return new HushError('invalid', message, { reason: 'value_out_of_range', cause: e });
    }
    const fault = storeFaultOf(e);
    if (!fault) return e;
    if (fault === 'database_unavailable' && connection) connection.lost = true;
    this.hooks.onFault(fault);
    return storeFaultError(fault, e, options);
  }

  async init(): Promise<void> {
    try {
      await this.inner.init();
    } catch (e) {
      throw this.translate(e);
    }
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    let inner: DatabaseConnection;
    try {
      inner = await this.inner.acquireConnection();
    } catch (e) {
      throw this.translate(e);
    }
    let guarded = this.#connections.get(inner);
    if (!guarded) this.#connections.set(inner, (guarded = new GuardedConnection(inner, this)));
    return guarded;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const c = connection as GuardedConnection;
    try {
      await this.inner.beginTransaction(c.inner, settings);
    } catch (e) {
      throw this.translate(e, c);
    }
    c.inTransaction = true;
    c.wroteInTransaction = false;
    c.afterCommit = [];
    c.failedInTransaction = false;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const c = connection as GuardedConnection;
    try {
      await this.inner.commitTransaction(c.inner);
    } catch (e) {
      // Only a lost connection leaves the outcome open: an error the server sends back means it did not commit.
      throw this.translate(e, c, { duringCommit: storeFaultOf(e) === 'database_unavailable' });
    }
    c.inTransaction = false;
    if (c.wroteInTransaction) this.hooks.onWriteSaved();
    const committed = c.failedInTransaction && this.hooks.errorAbortsTransaction ? [] : c.afterCommit;
    c.afterCommit = [];
    for (const callback of committed) callback();
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const c = connection as GuardedConnection;
    c.inTransaction = false;
    c.afterCommit = [];
    // Nothing is left to roll back; trying would throw an error that hides the one being handled.
    if (c.lost || this.hooks.transactionEnded?.()) return;
    try {
      await this.inner.rollbackTransaction(c.inner);
    } catch (e) {
      if (storeFaultOf(e) === 'database_unavailable') return; // the server ended the transaction with the connection
      throw this.translate(e, c);
    }
  }

  async savepoint(
    connection: DatabaseConnection,
    name: string,
    compile: Parameters<NonNullable<Driver['savepoint']>>[2],
  ): Promise<void> {
    const c = connection as GuardedConnection;
    await this.#optional('savepoint', () => this.inner.savepoint?.(c.inner, name, compile), c);
  }

  async rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: Parameters<NonNullable<Driver['savepoint']>>[2],
  ): Promise<void> {
    const c = connection as GuardedConnection;
    await this.#optional('rollbackToSavepoint', () => this.inner.rollbackToSavepoint?.(c.inner, name, compile), c);
  }

  async releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: Parameters<NonNullable<Driver['savepoint']>>[2],
  ): Promise<void> {
    const c = connection as GuardedConnection;
    await this.#optional('releaseSavepoint', () => this.inner.releaseSavepoint?.(c.inner, name, compile), c);
  }

  async #optional(
    method: 'savepoint' | 'rollbackToSavepoint' | 'releaseSavepoint',
    run: () => Promise<void> | undefined,
    c: GuardedConnection,
  ): Promise<void> {
    if (!this.inner[method]) throw new Error(`The database driver does not support ${method}.`);
    try {
      await run();
    } catch (e) {
      throw this.translate(e, c);
    }
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection((connection as GuardedConnection).inner);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

/** `dialect` with its driver's errors sorted by faults.ts and reported to `hooks`. */
export function withFaultHandling(dialect: Dialect, hooks: FaultHooks): Dialect {
  return {
    createDriver: () => new FaultTranslatingDriver(dialect.createDriver(), hooks),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
  };
}
