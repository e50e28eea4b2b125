import { randomBytes } from 'node:crypto';
import pg from 'pg';

export type TestDialect = 'sqlite' | 'postgres';

/** The dialects this run covers: SQLite always, PostgreSQL when TEST_DATABASE_URL is set (CI). */
export function testDialects(): TestDialect[] {
  return process.env.TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];
}

/** A fresh, empty database for one test server: a new PostgreSQL database, or in-memory SQLite. */
export async function freshDatabaseUrl(
  dialect: TestDialect = 'sqlite',
): Promise<{ url: string; drop(): Promise<void> }> {
  const base = process.env.TEST_DATABASE_URL;
  if (dialect === 'sqlite') return { url: 'sqlite::memory:', drop: async () => {} };
  if (!base) throw new Error('TEST_DATABASE_URL is not set');
  const name = `consentry_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      try {
        // Wait for the server's pool to finish closing rather than killing its connections.
        for (let i = 0; i < 200; i++) {
          const { rows } = await client.query('select count(*)::int as n from pg_stat_activity where datname = $1', [
            name,
          ]);
          if ((rows[0] as { n: number }).n === 0) break;
          await new Promise((resolve) => setImmediate(resolve));
        }
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
