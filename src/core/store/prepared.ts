import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { AnyDb } from './tx.js';

/** Stands for the `index`-th argument while a query is built; the compiled query has it where the value goes. */
class Slot {
  constructor(readonly index: number) {}
}

interface Template {
  sql: string;
  query: CompiledQuery['query'];
  queryId: CompiledQuery['queryId'];
  /** The compiled parameters: a Slot where an argument goes, constants as compiled. */
  parameters: readonly unknown[];
}

/**
 * A query of the hottest paths (token lookup, grants, the audit append) built and compiled once, then run with
 * new values: building and compiling a Kysely query costs several times what SQLite takes to run it (issue 18).
 * `build` gets one placeholder per argument and must use each only as a value (a comparison, an inserted column),
 * never to choose the query's shape. The SQL text is the dialect's (`?` or `$1`), so one prepared query belongs to
 * one store; SQLite's statement cache (db.ts) then reuses the prepared statement too. The values are checked for
 * NUL by the store's driver, as every other query's are (text-guard.ts).
 */
export function preparedQuery<DB, A extends readonly unknown[], R>(
  db: Kysely<DB>,
  arity: A['length'],
  build: (db: Kysely<DB>, ...args: A) => Compilable<R>,
): (handle: AnyDb, ...args: A) => Promise<QueryResult<R>> {
  let template: Template | undefined;
  return (handle, ...args) => {
    if (!template) {
      const slots = Array.from({ length: arity }, (_, i) => new Slot(i)) as unknown as A;
      const compiled = build(db, ...slots).compile();
      template = {
        sql: compiled.sql,
        query: compiled.query,
        queryId: compiled.queryId,
        parameters: compiled.parameters,
      };
    }
    const parameters = template.parameters.map((p) => (p instanceof Slot ? args[p.index] : p));
    return handle.executeQuery<R>({ ...template, parameters });
  };
}
