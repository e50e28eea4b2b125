import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeExpired } from '../../src/kernel/jobs/janitor.ts';
import { testDialects } from '../helpers/database.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { createTestClient } from '../helpers/clients.ts';
import { familyRow, refreshTokenRow } from '../helpers/token-rows.ts';

describe.each(testDialects())('janitor (%s)', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ dialect });
  });
  afterAll(() => server.close());

  it('purges expired rows in bounded batches and keeps live ones', async () => {
    const db = server.kernel.database.db;
    const client = await createTestClient(server);
    const now = server.clock.now();
    const family = (id: string, expiresAt: number) => familyRow(client.id, id, expiresAt, { created_at: now - 10 });
    const rows = (count: number, expiresAt: number, prefix: string) =>
      Array.from({ length: count }, (_, i) => ({ jti: `${prefix}-${i}`, expires_at: expiresAt }));
    await db
      .insertInto('revoked_access_tokens')
      .values(rows(25, now - 1000, 'old'))
      .execute();
    await db
      .insertInto('revoked_access_tokens')
      .values(rows(3, now + 60_000, 'live'))
      .execute();
    await db
      .insertInto('interactions')
      .values({ id: 'i-old', client_id: client.id, request: '{}', created_at: now - 10_000, expires_at: now - 1 })
      .execute();
    await db
      .insertInto('token_families')
      .values(family('f-old', now - 1))
      .execute();
    await db
      .insertInto('refresh_tokens')
      .values(
        refreshTokenRow('r-old', 'f-old', now + 1000, {
          token_hash: 'h-old',
          created_at: now - 10,
          successor_response: 'sealed',
          successor_response_expires_at: now - 1,
        }),
      )
      .execute();
    await db
      .insertInto('dpop_proofs')
      .values([
        { id: 'proof-old', expires_at: now - 1 },
        { id: 'proof-live', expires_at: now + 60_000 },
      ])
      .execute();

    // A live family's rotated tokens. Nodes of versions before derived successors recorded sealed
    // responses (during a rollout, after 0023 cleared the closed ones it found): 11 of their
    // windows closed, one still open. Rotations now record a request's fingerprint: 3 closed.
    const rotated = (i: number, recorded: string, windowEnd: number) =>
      refreshTokenRow(`r-rotated-${i}`, 'f-live', now + 60_000, {
        token_hash: `h-rotated-${i}`,
        status: 'rotated',
        created_at: now - 10,
        rotated_at: now - 10,
        successor_response: recorded,
        successor_response_expires_at: windowEnd,
      });
    await db
      .insertInto('token_families')
      .values(family('f-live', now + 60_000))
      .execute();
    await db
      .insertInto('refresh_tokens')
      .values([
        ...Array.from({ length: 12 }, (_, i) => rotated(i, `v1.sealed-${i}`, i === 11 ? now + 5_000 : now - 1)),
        ...Array.from({ length: 3 }, (_, i) => rotated(12 + i, `replayable:${i}`, now - 1)),
      ])
      .execute();

    const purged = await purgeExpired(db, now, 10, server.purgers); // 25 expired rows → three batches of at most 10
    expect(purged.revoked_access_tokens).toBe(25);
    expect(purged.interactions).toBe(1);
    expect(purged.token_families).toBe(1);
    expect(purged.dpop_proofs).toBe(1);
    expect(await db.selectFrom('dpop_proofs').select('id').execute()).toEqual([{ id: 'proof-live' }]);
    const left = await db.selectFrom('revoked_access_tokens').select('jti').execute();
    expect(left.map((r) => r.jti).sort()).toEqual(['live-0', 'live-1', 'live-2']);
    expect(await db.selectFrom('refresh_tokens').select('id').where('id', '=', 'r-old').execute()).toEqual([]); // went with its family
    // The janitor leaves rotated rows as they are (0023: finding sealed responses took an index
    // that every rotation had to update).
    expect(purged).not.toHaveProperty('sealed_responses');
    const recorded = await db
      .selectFrom('refresh_tokens')
      .select(['id', 'successor_response'])
      .where('family_id', '=', 'f-live')
      .where('successor_response', 'is not', null)
      .execute();
    const recordedNow = [
      ...Array.from({ length: 12 }, (_, i) => `r-rotated-${i} v1.sealed-${i}`),
      ...Array.from({ length: 3 }, (_, i) => `r-rotated-${12 + i} replayable:${i}`),
    ];
    expect(recorded.map((r) => `${r.id} ${r.successor_response}`).sort()).toEqual(recordedNow.sort());
  });
});
