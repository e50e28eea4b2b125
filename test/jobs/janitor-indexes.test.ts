import { Kysely, PostgresDialect, SqliteDialect, type CompiledQuery } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/kernel/db/schema.ts';
import { purgeExpired } from '../../src/kernel/jobs/janitor.ts';
import { testDialects } from '../helpers/database.ts';
import { planReader } from '../helpers/query-plans.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

/** Tables that stay a few rows long whatever the traffic: the signing keys (current, next, retiring). */
const SMALL_BY_DESIGN = new Set(['signing_keys']);

/**
 * The janitor runs on every node every minute, over tables that keep weeks of rows (refresh
 * tokens live 14 days). A statement of it that reads a whole table costs in proportion to
 * everything kept, not to what expired, however small its batches: each one must find its rows
 * through an index (see helpers/query-plans.ts for how plans are read).
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
    // The purgers run through a Kysely that records their statements. On SQLite it is the server's
    // own connection (not destroyed: that would close it); on PostgreSQL a pool of its own.
    const pool =
      database.dialect === 'postgres' ? new pg.Pool({ connectionString: server.config.DATABASE_URL }) : undefined;
    const recorded = new Kysely<Database>({
      dialect:
        database.dialect === 'sqlite'
          ? new SqliteDialect({ database: database.sqlite })
          : new PostgresDialect({ pool: pool! }),
      log: (event) => void (event.level === 'query' && statements.push(event.query)),
    });
    const plans = planReader(database, server.config.DATABASE_URL);
    try {
      await purgeExpired(recorded, server.clock.now(), 100, server.purgers);
      expect(statements.length).toBeGreaterThan(10);
      const fullScans: string[] = [];
      for (const { sql, parameters } of statements)
        for (const table of await plans.tablesReadWhole(sql, parameters))
          if (!SMALL_BY_DESIGN.has(table)) fullScans.push(`${table}: ${sql}`);
      expect(fullScans).toEqual([]);
    } finally {
      await plans.close();
      await pool?.end();
    }
  });
});
