import type pg from 'pg';
import { isDatabaseUnavailable } from './unavailable.ts';

/**
 * Runs `work` on one connection of `pool` between BEGIN and COMMIT, or ROLLBACK when it throws,
 * and gives the connection back: the raw-pg counterpart of a Kysely transaction, for hot paths
 * that run named prepared statements on it (each connection parses a statement once).
 *
 * The error thrown is the one `work` (or BEGIN, COMMIT) met, so callers map it as they map
 * Kysely's (unavailable.ts: 503). After an error that says the database is out of reach — the
 * connection dropped, or a statement outlasted its timeout and may still hold it — the connection
 * is closed rather than reused or sent a ROLLBACK that would wait out the query timeout itself:
 * the server rolls back the transaction of a connection that goes away.
 */
export async function inPostgresTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    client.release();
    return result;
  } catch (error) {
    await rollBack(client, error);
    throw error;
  }
}

/** Ends the failed transaction and releases `client`, closing it (`release(true)`) when it cannot be trusted. */
async function rollBack(client: pg.PoolClient, error: unknown): Promise<void> {
  if (isDatabaseUnavailable(error)) return client.release(true);
  try {
    await client.query('ROLLBACK');
    client.release();
  } catch {
    // The connection failed on the way: `error` (thrown by the caller) says what went wrong first.
    client.release(true);
  }
}
