import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as rotationsInPlace from '../../src/kernel/db/migrations/0023-rotations-rewrite-rows-in-place.ts';
import { PostgresTokenStatements } from '../../src/oauth/tokens/postgres-token-statements.ts';
import type { RefreshTokenRotation } from '../../src/oauth/tokens/token-family-repository.ts';
import { testDialects } from '../helpers/database.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { createTestClient } from '../helpers/clients.ts';
import { familyRow, refreshTokenRow } from '../helpers/token-rows.ts';

const HOUR = 3_600_000;

describe.each(testDialects())('migration 0023: rotations rewrite their rows in place (%s)', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ dialect });
  });
  afterAll(() => server.close());

  it('clears the sealed responses whose window closed, keeps the rest, and drops the index rotations kept writing', async () => {
    const db = server.kernel.database.db;
    const migrationDb = db as unknown as Kysely<unknown>;
    const client = await createTestClient(server);
    const now = Date.now();
    // The schema as 0022 left it, with what rotations of three versions recorded.
    await rotationsInPlace.down(migrationDb);
    expect(await sealedIndexExists(server)).toBe(true);
    await db
      .insertInto('token_families')
      .values(familyRow(client.id, 'm23-family', now + HOUR))
      .execute();
    const rotated = (id: string, recorded: string | null, windowEnd: number | null) =>
      refreshTokenRow(`m23-${id}`, 'm23-family', now + HOUR, {
        status: 'rotated',
        rotated_at: now - 60_000,
        successor_response: recorded,
        successor_response_expires_at: windowEnd,
      });
    await db
      .insertInto('refresh_tokens')
      .values([
        rotated('sealed-closed', 'v1.sealed-a', now - 1),
        rotated('sealed-open', 'v1.sealed-b', now + 60_000), // a replay may still need it
        rotated('fingerprint', 'replayable:fp', now - 1), // not secret: stays with its row
        refreshTokenRow('m23-active', 'm23-family', now + HOUR),
      ])
      .execute();

    await rotationsInPlace.up(migrationDb);

    const rows = await db
      .selectFrom('refresh_tokens')
      .select(['id', 'successor_response', 'successor_response_expires_at'])
      .where('id', 'like', 'm23-%')
      .orderBy('id')
      .execute();
    expect(
      rows.map((r) => [
        r.id,
        r.successor_response,
        r.successor_response_expires_at && Number(r.successor_response_expires_at),
      ]),
    ).toEqual([
      ['m23-active', null, null],
      ['m23-fingerprint', 'replayable:fp', now - 1],
      ['m23-sealed-closed', null, null],
      ['m23-sealed-open', 'v1.sealed-b', now + 60_000],
    ]);
    expect(await sealedIndexExists(server)).toBe(false);
    if (dialect === 'postgres') {
      const { rows: options } = await sql<{
        reloptions: string[] | null;
      }>`select reloptions from pg_class where relname = 'refresh_tokens'`.execute(db);
      expect(options[0]!.reloptions).toEqual(['fillfactor=50']);
    }
  });

  it.runIf(dialect === 'postgres')(
    'on PostgreSQL most rotations of a batch update their row without an index entry (HOT)',
    async () => {
      const database = server.kernel.database;
      if (database.dialect !== 'postgres') throw new Error('PostgreSQL only');
      const client = await createTestClient(server);
      const now = Date.now();
      const count = 40;
      await database.db
        .insertInto('token_families')
        .values(familyRow(client.id, 'hot-family', now + HOUR))
        .execute();
      await database.db
        .insertInto('refresh_tokens')
        .values(Array.from({ length: count }, (_, i) => refreshTokenRow(`hot-${i}`, 'hot-family', now + HOUR)))
        .execute();
      const rotation = (i: number): RefreshTokenRotation => ({
        rotatedId: `hot-${i}`,
        rotatedAt: now,
        replayable: 'replayable:fingerprint',
        replayableUntil: now + 10_000,
        successor: {
          id: `hot-next-${i}`,
          tokenHash: `hash-hot-next-${i}`,
          familyId: 'hot-family',
          parentId: `hot-${i}`,
          scopes: [],
          createdAt: now,
          expiresAt: now + HOUR,
          accessJti: null,
          accessExpiresAt: null,
          dpopJkt: null,
        },
        familyExpiresAt: null,
        revokedAccessToken: null,
      });

      // The token endpoint's own statement (one per turn for all its rotations), in a transaction
      // of ours, so that this transaction's own statistics say how each row was updated.
      const connection = await database.pool.connect();
      try {
        await connection.query('begin');
        const rotations = PostgresTokenStatements.rotationBatch((query) => connection.query(query));
        const won = await Promise.all(Array.from({ length: count }, (_, i) => rotations.run(rotation(i))));
        expect(won.every(Boolean)).toBe(true);
        const { rows } = await connection.query<{ updated: string; hot: string }>(
          `select pg_stat_get_xact_tuples_updated(oid) as updated, pg_stat_get_xact_tuples_hot_updated(oid) as hot
           from pg_class where relname = 'refresh_tokens'`,
        );
        const updated = Number(rows[0]!.updated);
        const hot = Number(rows[0]!.hot);
        expect(updated).toBeGreaterThanOrEqual(count);
        // Before 0023 none was (the bench: 1 of 12,188). A few of the last rows of a page find no
        // room here, where nothing this one transaction wrote can be pruned yet: about four in five.
        expect(hot / updated).toBeGreaterThan(0.75);
        await connection.query('commit');
      } finally {
        connection.release();
      }
    },
  );
});

async function sealedIndexExists(server: TestServer): Promise<boolean> {
  const database = server.kernel.database;
  const { rows } =
    database.dialect === 'postgres'
      ? await sql<{
          n: number;
        }>`select count(*)::int as n from pg_indexes where indexname = 'refresh_tokens_sealed'`.execute(database.db)
      : await sql<{ n: number }>`select count(*) as n from sqlite_master where name = 'refresh_tokens_sealed'`.execute(
          database.db,
        );
  return Number(rows[0]!.n) === 1;
}
