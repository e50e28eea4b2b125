import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/**
 * better-sqlite3 behind Kysely with prepared statements kept for reuse. Kysely's SQLite driver
 * prepares every query anew; on the token endpoint's hot path compiling the same few SQL texts
 * again was about a seventh of all CPU time (bench/). Kysely runs one query at a time per
 * connection, so a cached statement is never used by two queries at once.
 */
export function withStatementCache(database: BetterSqlite3.Database, maxStatements = 1000): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => void database.close(),
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (!statement) {
        statement = database.prepare(sql);
        if (statements.size >= maxStatements) statements.delete(statements.keys().next().value!);
        statements.set(sql, statement);
      }
      return statement;
    },
  } as SqliteDatabase;
}
