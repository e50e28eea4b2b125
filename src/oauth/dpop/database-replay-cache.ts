import type { Db } from '../../kernel/db/database.ts';
import type { ProofReplayCache } from './replay-cache.ts';

/**
 * The replay cache in the shared database (PostgreSQL nodes without Redis): the primary key
 * decides, so of two nodes inserting one proof only one succeeds. The janitor deletes rows
 * past `expires_at` (src/oauth/purge.ts).
 */
export class DatabaseReplayCache implements ProofReplayCache {
  constructor(private readonly db: Db) {}

  async firstUse(key: string, expiresAt: number): Promise<boolean> {
    const result = await this.db
      .insertInto('dpop_proofs')
      .values({ id: key, expires_at: expiresAt })
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  async close(): Promise<void> {}
}
