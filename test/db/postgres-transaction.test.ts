import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/kernel/db/database.ts';
import { inPostgresTransaction } from '../../src/kernel/db/postgres-transaction.ts';
import { isDatabaseUnavailable } from '../../src/kernel/db/unavailable.ts';
import { freshDatabaseUrl } from '../helpers/database.ts';

describe.skipIf(!process.env.TEST_DATABASE_URL)('a raw pg transaction on a connection of the pool', () => {
  let handle: Extract<DatabaseHandle, { dialect: 'postgres' }>;
  let drop: () => Promise<void>;
  /** A connection of its own, outside the pool: it looks at the pool's connections from the server's side. */
  let admin: pg.Client;

  beforeAll(async () => {
    const database = await freshDatabaseUrl('postgres');
    drop = database.drop;
    // Lost connections are reported here; unheard, their 'error' events would crash the process.
    const opened = openDatabase(database.url, 2, () => {}, { connectMs: 3000, statementMs: 300 });
    if (opened.dialect !== 'postgres') throw new Error('expected PostgreSQL');
    handle = opened;
    await handle.pool.query('create table notes (id int primary key)');
    admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
  });

  afterAll(async () => {
    await admin.end();
    await handle.close();
    await drop();
  });

  const notes = async () =>
    (await handle.pool.query<{ id: number }>('select id from notes order by id')).rows.map((r) => r.id);
  /** What the server says of a connection: 'idle' outside any transaction; undefined once it is gone. */
  const stateOf = async (pid: number) =>
    (await admin.query<{ state: string }>('select state from pg_stat_activity where pid = $1', [pid])).rows[0]?.state;
  /** Until the server no longer lists the connection (closing one takes a few messages). */
  const untilGone = async (pid: number) => {
    while ((await stateOf(pid)) !== undefined) await new Promise((resolve) => setImmediate(resolve));
  };
  const pidOf = (client: pg.PoolClient) => (client as unknown as { processID: number }).processID;

  it('commits what the unit wrote, and gives the connection back outside any transaction', async () => {
    let pid = 0;
    const result = await inPostgresTransaction(handle.pool, async (client) => {
      pid = pidOf(client);
      await client.query('insert into notes (id) values (1), (2)');
      return 'done';
    });
    expect(result).toBe('done');
    expect(await notes()).toEqual([1, 2]);
    expect(handle.pool.idleCount).toBeGreaterThan(0);
    expect(await stateOf(pid)).toBe('idle');
  });

  it('rolls back all of a unit that throws, rethrows its error, and reuses the connection', async () => {
    let pid = 0;
    await expect(
      inPostgresTransaction(handle.pool, async (client) => {
        pid = pidOf(client);
        await client.query('insert into notes (id) values (3)');
        throw new Error('changed its mind');
      }),
    ).rejects.toThrow('changed its mind');
    // A statement that fails aborts the transaction; its own error is the one thrown.
    const failed = inPostgresTransaction(handle.pool, async (client) => {
      await client.query('insert into notes (id) values (4)');
      await client.query('insert into notes (id) values (1)');
    });
    await expect(failed).rejects.toMatchObject({ code: '23505' });
    expect(await notes()).toEqual([1, 2]);
    expect(await stateOf(pid)).toBe('idle');
  });

  it('a connection dropped in the middle of a unit: an "unavailable" error, the connection closed, the next unit fine', async () => {
    let victim = 0;
    const failed = await inPostgresTransaction(handle.pool, async (client) => {
      victim = pidOf(client);
      await client.query('insert into notes (id) values (5)');
      await admin.query('select pg_terminate_backend($1)', [victim]);
      await client.query('insert into notes (id) values (6)');
    }).catch((error: unknown) => error);
    expect(isDatabaseUnavailable(failed)).toBe(true);
    await inPostgresTransaction(handle.pool, async (client) => {
      expect(pidOf(client)).not.toBe(victim);
      await client.query('insert into notes (id) values (7)');
    });
    expect(await notes()).toEqual([1, 2, 7]);
  });

  it('a statement past its timeout: an "unavailable" error, and that connection is closed, not reused', async () => {
    let pid = 0;
    const failed = await inPostgresTransaction(handle.pool, async (client) => {
      pid = pidOf(client);
      await client.query('select pg_sleep(5)');
    }).catch((error: unknown) => error);
    expect(failed).toMatchObject({ code: '57014' });
    expect(isDatabaseUnavailable(failed)).toBe(true);
    await inPostgresTransaction(handle.pool, async (client) => {
      expect(pidOf(client)).not.toBe(pid);
      await client.query('select 1');
    });
    await untilGone(pid);
  });
});
