import type { Db } from '../../kernel/db/database.ts';
import type { PortfolioConnectionsTable } from '../../kernel/db/schema.ts';
import type { ErrorItem } from '../errors.ts';
import { toConnection, type Connection, type ConnectionStatus } from './connection.ts';

/** The person's links to providers. Credentials stay sealed here; the service opens them. */
export class ConnectionRepository {
  constructor(private readonly db: Db) {}

  /**
   * Inserts connections with their sealed credentials, all or none, and with them what
   * `alsoWithin` writes in the same transaction (their first syncs' jobs).
   */
  async insertMany(
    rows: Array<PortfolioConnectionsTable & { sealed: string }>,
    alsoWithin: (trx: Db) => Promise<void> = async () => undefined,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (const { sealed, ...row } of rows) {
        await trx.insertInto('portfolio_connections').values(row).execute();
        await trx.insertInto('portfolio_credentials').values({ connection_id: row.id, sealed }).execute();
      }
      await alsoWithin(trx);
    });
  }

  async findById(id: string): Promise<Connection | undefined> {
    const row = await this.db.selectFrom('portfolio_connections').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toConnection(row);
  }

  async sealedCredentials(id: string): Promise<string | null | undefined> {
    const row = await this.db
      .selectFrom('portfolio_credentials')
      .select('sealed')
      .where('connection_id', '=', id)
      .executeTakeFirst();
    return row?.sealed;
  }

  /** Stores one part of a CSV import's sealed file. */
  async insertCsvPart(connectionId: string, part: number, sealed: string): Promise<void> {
    await this.db.insertInto('portfolio_csv_parts').values({ connection_id: connectionId, part, sealed }).execute();
  }

  async csvPart(connectionId: string, part: number): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('portfolio_csv_parts')
      .select('sealed')
      .where('connection_id', '=', connectionId)
      .where('part', '=', part)
      .executeTakeFirst();
    return row?.sealed;
  }

  async listForUser(userId: string): Promise<Connection[]> {
    const rows = await this.db
      .selectFrom('portfolio_connections')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toConnection);
  }

  async findByIdentity(userId: string, providerId: string, identityKey: string): Promise<Connection | undefined> {
    const row = await this.db
      .selectFrom('portfolio_connections')
      .selectAll()
      .where('user_id', '=', userId)
      .where('provider_id', '=', providerId)
      .where('identity_key', '=', identityKey)
      .executeTakeFirst();
    return row && toConnection(row);
  }

  async setStatus(
    id: string,
    status: ConnectionStatus,
    error: ErrorItem | null,
    now: number,
    refreshed = false,
  ): Promise<void> {
    await this.db
      .updateTable('portfolio_connections')
      .set({
        status,
        last_error: error ? JSON.stringify(error) : null,
        updated_at: now,
        ...(refreshed ? { last_refreshed_at: now } : {}),
      })
      .where('id', '=', id)
      .execute();
  }

  async setCursor(id: string, cursor: string | null, now: number, db: Db = this.db): Promise<void> {
    await db
      .updateTable('portfolio_connections')
      .set({ tx_cursor: cursor, updated_at: now })
      .where('id', '=', id)
      .execute();
  }

  /** Claims a refresh slot: true when the connection was not refreshed within the cooldown. */
  async claimRefresh(id: string, now: number, cooldownMs: number): Promise<boolean> {
    const result = await this.db
      .updateTable('portfolio_connections')
      .set({ last_refresh_requested_at: now })
      .where('id', '=', id)
      .where((eb) =>
        eb.or([eb('last_refresh_requested_at', 'is', null), eb('last_refresh_requested_at', '<=', now - cooldownMs)]),
      )
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Deletes connections with everything synced from them (positions and transactions cascade). */
  async deleteMany(userId: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('portfolio_refresh_connections').where('connection_id', 'in', ids).execute();
      await trx.deleteFrom('portfolio_transactions').where('connection_id', 'in', ids).execute();
      await trx.deleteFrom('portfolio_positions').where('connection_id', 'in', ids).execute();
      await trx.deleteFrom('portfolio_token_activity').where('connection_id', 'in', ids).execute();
      await trx.deleteFrom('portfolio_csv_parts').where('connection_id', 'in', ids).execute();
      await trx.deleteFrom('portfolio_credentials').where('connection_id', 'in', ids).execute();
      await trx.deleteFrom('portfolio_connections').where('user_id', '=', userId).where('id', 'in', ids).execute();
    });
  }

  /** Per provider, the connections synced since `since` and how many of them failed to reach it. */
  async syncHealth(since: number): Promise<Map<string, { synced: number; unreachable: number }>> {
    const rows = await this.db
      .selectFrom('portfolio_connections')
      .select(['provider_id', 'status', 'last_error'])
      .where('updated_at', '>=', since)
      .where('status', 'in', ['connected', 'error'])
      .execute();
    const health = new Map<string, { synced: number; unreachable: number }>();
    for (const row of rows) {
      const entry = health.get(row.provider_id) ?? { synced: 0, unreachable: 0 };
      entry.synced++;
      const cause = row.last_error ? (JSON.parse(row.last_error) as ErrorItem).cause : undefined;
      if (row.status === 'error' && cause === 'provider_unavailable') entry.unreachable++;
      health.set(row.provider_id, entry);
    }
    return health;
  }

  /** A pending OAuth link by the hash of its `state` (and its owner and when it began). */
  async findPendingOAuth(
    stateHash: string,
  ): Promise<{ id: string; userId: string; providerId: string; createdAt: number; sealed: string } | undefined> {
    const row = await this.db
      .selectFrom('portfolio_connections')
      .innerJoin('portfolio_credentials', 'portfolio_credentials.connection_id', 'portfolio_connections.id')
      .select(['id', 'user_id', 'provider_id', 'created_at', 'portfolio_credentials.sealed'])
      .where('oauth_state_hash', '=', stateHash)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return row
      ? { id: row.id, userId: row.user_id, providerId: row.provider_id, createdAt: row.created_at, sealed: row.sealed }
      : undefined;
  }

  /**
   * Finishes a pending OAuth link: its tokens replace the pending secret, the exchange's account
   * id becomes its identity, its state is spent. False when another request finished it first.
   */
  async completeOAuth(
    id: string,
    stateHash: string,
    sealed: string,
    identityKey: string,
    now: number,
  ): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('portfolio_connections')
        .set({ identity_key: identityKey, oauth_state_hash: null, status: 'syncing', updated_at: now })
        .where('id', '=', id)
        .where('oauth_state_hash', '=', stateHash)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return false;
      await trx.updateTable('portfolio_credentials').set({ sealed }).where('connection_id', '=', id).execute();
      return true;
    });
  }

  /** Replaces a connection's sealed credentials (rotated OAuth tokens). */
  async updateSealed(id: string, sealed: string, now: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('portfolio_credentials').set({ sealed }).where('connection_id', '=', id).execute();
      await trx.updateTable('portfolio_connections').set({ updated_at: now }).where('id', '=', id).execute();
    });
  }
}
