import pg from 'pg';
import type { DatabaseHandle } from '../../src/kernel/db/database.ts';

/** Asks a test server's database how it would run a statement. */
export interface PlanReader {
  /** The tables `sql`'s plan reads from first row to last (none when indexes serve it). */
  tablesReadWhole(sql: string, parameters?: readonly unknown[]): Promise<string[]>;
  /** The plan as the database prints it, one line per step (PostgreSQL's with sequential scans priced out). */
  planText(sql: string, parameters?: readonly unknown[]): Promise<string>;
  close(): Promise<void>;
}

/**
 * - SQLite's planner picks from the schema alone (no statistics are gathered in tests), so a
 *   full scan in its plan (`SCAN t`, not `SCAN t USING … INDEX` nor `SEARCH t …`) means no index
 *   serves the statement. Foreign-key actions show in the plan too.
 * - PostgreSQL's planner prefers reading a small table whole; with sequential scans priced out
 *   (`enable_seqscan = off`) it still plans one only where no index serves.
 */
export function planReader(database: DatabaseHandle, databaseUrl: string): PlanReader {
  if (database.dialect === 'sqlite') {
    const { sqlite } = database;
    const tables = new Set(
      sqlite.prepare<[], string>("select name from sqlite_master where type = 'table'").pluck().all(),
    );
    const plan = (sql: string, parameters: readonly unknown[]) =>
      sqlite
        .prepare<unknown[], { detail: string }>(`explain query plan ${sql}`)
        .all(...parameters)
        .map((step) => step.detail);
    return {
      tablesReadWhole: async (sql, parameters = []) =>
        plan(sql, parameters)
          .map((detail) => /^SCAN (\w+)$/.exec(detail)?.[1])
          .filter((table): table is string => table !== undefined && tables.has(table)),
      planText: async (sql, parameters = []) => plan(sql, parameters).join('\n'),
      close: async () => {},
    };
  }
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  const plan = async (sql: string, parameters: readonly unknown[]) => {
    const client = await pool.connect();
    try {
      await client.query('set enable_seqscan = off');
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`explain ${sql}`, [...parameters]);
      return rows.map((row) => row['QUERY PLAN']);
    } finally {
      client.release();
    }
  };
  return {
    tablesReadWhole: async (sql, parameters = []) =>
      (await plan(sql, parameters)).flatMap((line) => /Seq Scan on (\w+)/.exec(line)?.[1] ?? []),
    planText: async (sql, parameters = []) => (await plan(sql, parameters)).join('\n'),
    close: () => pool.end(),
  };
}
