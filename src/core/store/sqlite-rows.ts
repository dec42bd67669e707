import type SQLite from 'better-sqlite3';
import type { SqliteStatement } from 'kysely';

const columnNames = (statement: SQLite.Statement): string[] => statement.columns().map((c) => c.name);

/**
 * A prepared statement for Kysely's SQLite driver that reads rows as arrays and names their columns in JS.
 * better-sqlite3 builds each row object in C++ one property at a time, which costs about twice what the same rows
 * cost read raw and named here with one column list per statement (issue 18: a page of 100 NetBox secrets, 12
 * columns, spent ~0.9 ms in row objects). The rows are the same: one own property per column, in column order,
 * a later column of the same name replacing an earlier one, as better-sqlite3's own objects do.
 */
export function rowStatement(statement: SQLite.Statement): SqliteStatement {
  if (!statement.reader) return statement;
  let names = columnNames(statement);
  // `__proto__` assigned as a property would set the prototype instead: leave such a statement to better-sqlite3.
  if (names.includes('__proto__')) return statement;
  statement.raw(true);
  const named = (values: unknown[]): Record<string, unknown> => {
    // SQLite prepares a statement again after a schema change, and `*` may then stand for other columns: the names
    // are read again when the count differs (db.ts also drops cached statements when this process changes a schema).
    if (values.length !== names.length) names = columnNames(statement);
    const row: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) row[names[i]!] = values[i];
    return row;
  };
  return {
    reader: true,
    all: (parameters) => (statement.all(parameters) as unknown[][]).map(named),
    run: (parameters) => statement.run(parameters),
    *iterate(parameters) {
      for (const values of statement.iterate(parameters) as IterableIterator<unknown[]>) yield named(values);
    },
  };
}
