import { Kysely, PostgresDialect, SqliteDialect, type CompiledQuery } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/kernel/db/schema.ts';
import { purgeExpired } from '../../src/kernel/jobs/janitor.ts';
import { testDialects } from '../helpers/database.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

/** Tables that stay a few rows long whatever the traffic: the signing keys (current, next, retiring). */
const SMALL_BY_DESIGN = new Set(['signing_keys']);

/**
 * The janitor runs on every node every minute, over tables that keep weeks of rows (refresh
 * tokens live 14 days). A statement of it that reads a whole table costs in proportion to
 * everything kept, not to what expired, however small its batches: each one must find its rows
 * through an index.
 * - SQLite's planner picks from the schema alone (no statistics are gathered here), so a full
 *   scan in its plan means no index serves the statement.
 * - PostgreSQL's planner prefers reading a small table whole; with sequential scans priced out
 *   (`enable_seqscan = off`) it still plans one only where no index serves.
 */
describe.each(testDialects())('janitor statements (%s)', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ dialect });
  });
  afterAll(() => server.close());

  it('find their rows through indexes, never by reading a whole table', async () => {
    const database = server.kernel.database;
    const statements: CompiledQuery[] = [];
    const log = (event: { level: string; query: CompiledQuery }) =>
      void (event.level === 'query' && statements.push(event.query));
    // The purgers run through a Kysely that records their statements. On SQLite it is the server's
    // own connection (not destroyed: that would close it); on PostgreSQL a pool of its own.
    const pool =
      database.dialect === 'postgres' ? new pg.Pool({ connectionString: server.config.DATABASE_URL }) : undefined;
    const recorded = new Kysely<Database>({
      dialect:
        database.dialect === 'sqlite'
          ? new SqliteDialect({ database: database.sqlite })
          : new PostgresDialect({ pool: pool! }),
      log,
    });
    try {
      await purgeExpired(recorded, server.clock.now(), 100, server.purgers);
      expect(statements.length).toBeGreaterThan(10);
      const fullScans: string[] = [];
      for (const statement of statements)
        for (const table of await tablesReadWhole(server, statement, pool))
          if (!SMALL_BY_DESIGN.has(table)) fullScans.push(`${table}: ${statement.sql}`);
      expect(fullScans).toEqual([]);
    } finally {
      await pool?.end();
    }
  });
});

/** The tables `statement`'s plan reads from first row to last. */
async function tablesReadWhole(server: TestServer, statement: CompiledQuery, pool?: pg.Pool): Promise<string[]> {
  const database = server.kernel.database;
  const parameters = statement.parameters as unknown[];
  if (database.dialect === 'sqlite') {
    const tables = new Set(
      database.sqlite.prepare<[], string>("select name from sqlite_master where type = 'table'").pluck().all(),
    );
    const plan = database.sqlite
      .prepare<unknown[], { detail: string }>(`explain query plan ${statement.sql}`)
      .all(...parameters);
    // `SCAN t` reads all of t; `SCAN t USING … INDEX` walks an index, `SEARCH` seeks in one.
    return plan
      .map((step) => /^SCAN (\w+)$/.exec(step.detail)?.[1])
      .filter((table): table is string => table !== undefined && tables.has(table));
  }
  const client = await pool!.connect();
  try {
    await client.query('set enable_seqscan = off');
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(`explain ${statement.sql}`, parameters);
    return rows.flatMap((row) => /Seq Scan on (\w+)/.exec(row['QUERY PLAN'])?.[1] ?? []);
  } finally {
    client.release();
  }
}
