import type { Kysely } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/kernel/db/database.ts';
import { SqliteGroupCommit } from '../../src/kernel/db/group-commit.ts';
import { migrateToLatest } from '../../src/kernel/db/migrate.ts';
import * as byExpiry from '../../src/kernel/db/migrations/0017-seen-jtis-by-expiry.ts';
import { sha256 } from '../../src/kernel/crypto/tokens.ts';
import { purgeOAuthData } from '../../src/oauth/purge.ts';
import { SeenJtis } from '../../src/oauth/replay/seen-jtis.ts';
import { freshDatabaseUrl, testDialects } from '../helpers/database.ts';

describe.each(testDialects())('seen JWT ids, keyed by expiry (%s)', (dialect) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  async function database(): Promise<{ handle: DatabaseHandle; seen: SeenJtis }> {
    const fresh = await freshDatabaseUrl(dialect);
    const handle = openDatabase(fresh.url);
    cleanups.push(fresh.drop, () => handle.close());
    await migrateToLatest(handle.db);
    const group =
      handle.dialect === 'sqlite' ? new SqliteGroupCommit(handle.db, handle.sqlite, { checkUnits: true }) : undefined;
    return { handle, seen: new SeenJtis(handle, group) };
  }

  const keyOf = (issuer: string, jti: string) => sha256(`client-assertion\n${issuer}\n${jti}`);

  it('keeps the ids recorded before the migration: their replays are still refused', async () => {
    const { handle, seen } = await database();
    const db = handle.db as unknown as Kysely<unknown>;
    await byExpiry.down(db);
    await handle.db
      .insertInto('seen_jtis')
      .values([
        { key_hash: keyOf('client-a', 'used-before'), expires_at: 2_000_000 },
        { key_hash: keyOf('client-b', 'used-before'), expires_at: 3_000_000 },
      ])
      .execute();
    await byExpiry.up(db);

    expect(await seen.firstUse('client-assertion', 'client-a', 'used-before', 2_000_000)).toBe(false);
    expect(await seen.firstUse('client-assertion', 'client-b', 'used-before', 3_000_000)).toBe(false);
    expect(await seen.firstUse('client-assertion', 'client-a', 'new', 2_000_000)).toBe(true);
    expect(await seen.firstUse('client-assertion', 'client-a', 'new', 2_000_000)).toBe(false);
  });

  it('takes an exp with a fraction of a second, and refuses its replay', async () => {
    const { seen } = await database();
    expect(await seen.firstUse('client-assertion', 'client-a', 'fraction', 1_796_045_030_000.1)).toBe(true);
    expect(await seen.firstUse('client-assertion', 'client-a', 'fraction', 1_796_045_030_000.1)).toBe(false);
  });

  it('is emptied by the janitor of what expired, and only of that', async () => {
    const { handle, seen } = await database();
    for (const [jti, expiresAt] of [
      ['old-1', 1_000],
      ['old-2', 2_000],
      ['live', 9_000],
    ] as const)
      expect(await seen.firstUse('client-assertion', 'client-a', jti, expiresAt)).toBe(true);
    const purged = await purgeOAuthData(handle.db, 5_000, 1);
    expect(purged.seen_jtis).toBe(2);
    const left = await handle.db.selectFrom('seen_jtis').select(['key_hash', 'expires_at']).execute();
    expect(left).toEqual([{ key_hash: keyOf('client-a', 'live'), expires_at: 9_000 }]);
  });
});
