import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type pg from 'pg';
import type { Database } from './schema.ts';
import { startCheckpointer, type Checkpointer } from './sqlite-checkpointer.ts';
import { withStatementCache } from './statement-cache.ts';

export type Db = Kysely<Database>;
export type Dialect = 'sqlite' | 'postgres';

export type DatabaseHandle = PostgresHandle | SqliteHandle;

interface PostgresHandle {
  db: Db;
  dialect: 'postgres';
  /** The pool under `db`, for hot paths that run named prepared statements (see postgres-transaction.ts). */
  pool: pg.Pool;
  close(): Promise<void>;
}

interface SqliteHandle {
  db: Db;
  dialect: 'sqlite';
  /** The connection under `db`, for hot paths that run synchronously (see group-commit.ts). */
  sqlite: SqliteDatabase.Database;
  /** Who copies the WAL into the database file (undefined in memory). */
  checkpointer?: Checkpointer;
  close(): Promise<void>;
}

const PG_INT8 = 20;
const require = createRequire(import.meta.url);

/** How a database is used beyond its URL (the settings DATABASE_* and SQLITE_* of config.ts). */
export interface DatabaseTuning {
  /** PostgreSQL: waiting for a connection (new or from the pool) longer than this fails the query. */
  connectMs: number;
  /** PostgreSQL: a statement running longer than this is cancelled by the server (and given up by the client a second later). */
  statementMs: number;
  /** SQLite: the connection's page cache, MiB. */
  sqliteCacheMib: number;
}

/**
 * better-sqlite3 builds SQLite with a 16 MB page cache per connection, which a busy server fills
 * and keeps: over the token bench it was the largest part of the growth in resident memory that
 * was not V8's heap. 4 MiB kept its CPU per request within the runs' noise; a lookup that misses
 * the cache reads the page from the operating system's cache instead.
 */
const DEFAULT_TUNING: DatabaseTuning = { connectMs: 3000, statementMs: 10_000, sqliteCacheMib: 4 };

/** Opens the database named by `url`: `sqlite:<file>` (or `:memory:`) or `postgres://…`. */
export function openDatabase(
  url: string,
  poolSize = 10,
  onBackgroundError?: (error: Error) => void,
  tuned: Partial<DatabaseTuning> = {},
): DatabaseHandle {
  const tuning = { ...DEFAULT_TUNING, ...tuned };
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    // Loaded only here: a SQLite deployment does not carry the driver (~10 MB resident).
    const { Pool, types } = require('pg') as typeof pg;
    const pool = new Pool({
      connectionString: url,
      max: poolSize,
      application_name: 'consentry',
      // A database that stops answering must not hold requests for the whole outage.
      connectionTimeoutMillis: tuning.connectMs,
      statement_timeout: tuning.statementMs,
      query_timeout: tuning.statementMs + 1000,
      // Times are epoch milliseconds in bigint columns: read them back as numbers.
      types: {
        getTypeParser: (oid: number, format?: 'text' | 'binary') =>
          oid === PG_INT8 ? Number : types.getTypeParser(oid, format as 'text'),
      },
    });
    // A connection the server dropped (restart, pg_terminate_backend, a proxy's reset) reports it
    // as an 'error' event: the pool's for idle connections, the connection's own while one is in
    // use. Unheard, either would crash the process. The pool opens new connections when needed
    // and never hands out a broken one again.
    const lost = (error: Error) => onBackgroundError?.(error);
    pool.on('error', lost);
    pool.on('connect', (client) => client.on('error', lost));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const close = async () => {
      await db.destroy();
      // Kysely ends the pool only if it ever queried it; the prepared statements may have alone.
      if (!pool.ending) await pool.end();
    };
    return { db, dialect: 'postgres', pool, close };
  }
  const file = sqliteFile(url)!; // a PostgreSQL URL returned above
  if (file !== ':memory:') mkdirSync(dirname(resolve(file)), { recursive: true });
  const sqlite = new SqliteDatabase(file === ':memory:' ? ':memory:' : resolve(file));
  // WAL lets readers run beside the writer; NORMAL sync keeps every commit atomic across a
  // process crash (only an OS crash may lose the last commits); foreign keys are off by default.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`cache_size = -${Math.round(tuning.sqliteCacheMib * 1024)}`); // negative: KiB, not pages
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  const checkpointer =
    file === ':memory:' ? undefined : startCheckpointer(sqlite, resolve(file), (error) => onBackgroundError?.(error));
  return {
    db,
    dialect: 'sqlite',
    sqlite,
    checkpointer,
    close: async () => {
      await checkpointer?.stop();
      await db.destroy();
      // Kysely opens its driver lazily: a handle that never ran a query would stay open.
      if (sqlite.open) sqlite.close();
    },
  };
}

/** The file a `sqlite:` URL names (`:memory:` for an in-memory database); undefined for PostgreSQL. */
export function sqliteFile(url: string): string | undefined {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return undefined;
  if (!url.startsWith('sqlite:'))
    throw new Error(`DATABASE_URL must start with sqlite: or postgres://, got ${url.split(':')[0]}:`);
  return url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
}
