import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as familiesOutliveTokens from '../../src/kernel/db/migrations/0022-families-outlive-their-tokens.ts';
import { testDialects } from '../helpers/database.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { createTestClient } from '../helpers/clients.ts';
import { familyRow, refreshTokenRow } from '../helpers/token-rows.ts';

const DAY = 86_400_000;

describe.each(testDialects())('migration 0022: token families outlive their tokens (%s)', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ dialect });
  });
  afterAll(() => server.close());

  it('moves a family ending before its newest token to a day after it, and leaves every other alone', async () => {
    const db = server.kernel.database.db;
    const client = await createTestClient(server);
    const family = (id: string, expiresAt: number, revokedAt: number | null = null) =>
      familyRow(client.id, id, expiresAt, { revoked_at: revokedAt });
    const token = (id: string, familyId: string, expiresAt: number) =>
      refreshTokenRow(`m22-${id}`, familyId, expiresAt);
    await db
      .insertInto('token_families')
      .values([
        family('m22-lagging', 10 * DAY),
        family('m22-ahead', 20 * DAY),
        family('m22-revoked', 10 * DAY, 5),
        family('m22-empty', 10 * DAY),
      ])
      .execute();
    await db
      .insertInto('refresh_tokens')
      .values([
        token('a', 'm22-lagging', 9 * DAY),
        token('b', 'm22-lagging', 10 * DAY + 3_600_000),
        token('c', 'm22-ahead', 19 * DAY),
        token('d', 'm22-revoked', 10 * DAY + 3_600_000),
      ])
      .execute();

    await familiesOutliveTokens.up(db as unknown as Kysely<unknown>);

    const rows = await db
      .selectFrom('token_families')
      .select(['id', 'expires_at'])
      .where('id', 'like', 'm22-%')
      .orderBy('id')
      .execute();
    expect(rows.map((r) => [r.id, Number(r.expires_at)])).toEqual([
      ['m22-ahead', 20 * DAY],
      ['m22-empty', 10 * DAY],
      ['m22-lagging', 11 * DAY + 3_600_000],
      ['m22-revoked', 10 * DAY],
    ]);
  });
});
