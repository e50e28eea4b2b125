import type { Db } from '../../kernel/db/database.ts';
import type { PortfolioRefreshConnectionsTable } from '../../kernel/db/schema.ts';
import type { ErrorItem } from '../errors.ts';

export interface Refresh {
  id: string;
  userId: string;
  kind: string;
  createdAt: number;
  connections: Array<{
    connectionId: string;
    providerId: string;
    status: PortfolioRefreshConnectionsTable['status'];
    error: ErrorItem | null;
  }>;
}

/** Refresh requests and, per connection, how far their sync got. */
export class RefreshRepository {
  constructor(private readonly db: Db) {}

  /** Records a refresh; `alongside` runs in the same transaction (queueing its syncs). */
  async create(
    id: string,
    userId: string,
    kind: string,
    connections: Array<{ connectionId: string; providerId: string }>,
    now: number,
    alongside: (trx: Db) => Promise<void> = async () => {},
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await alongside(trx);
      await trx.insertInto('portfolio_refreshes').values({ id, user_id: userId, kind, created_at: now }).execute();
      if (connections.length === 0) return;
      await trx
        .insertInto('portfolio_refresh_connections')
        .values(
          connections.map((c) => ({
            refresh_id: id,
            connection_id: c.connectionId,
            provider_id: c.providerId,
            status: 'queued' as const,
            error: null,
            created_at: now,
            updated_at: now,
          })),
        )
        .execute();
    });
  }

  async find(id: string, userId: string): Promise<Refresh | undefined> {
    const refresh = await this.db
      .selectFrom('portfolio_refreshes')
      .selectAll()
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (!refresh) return undefined;
    const rows = await this.db
      .selectFrom('portfolio_refresh_connections')
      .selectAll()
      .where('refresh_id', '=', id)
      .orderBy('provider_id')
      .execute();
    return {
      id,
      userId,
      kind: refresh.kind,
      createdAt: refresh.created_at,
      connections: rows.map((r) => ({
        connectionId: r.connection_id,
        providerId: r.provider_id,
        status: r.status,
        error: r.error ? (JSON.parse(r.error) as ErrorItem) : null,
      })),
    };
  }

  async markRunning(connectionId: string, now: number): Promise<void> {
    await this.db
      .updateTable('portfolio_refresh_connections')
      .set({ status: 'running', updated_at: now })
      .where('connection_id', '=', connectionId)
      .where('status', '=', 'queued')
      .where('created_at', '<=', now)
      .execute();
  }

  /** Ends the refreshes a sync that started at `startedAt` answered. */
  async finish(
    connectionId: string,
    startedAt: number,
    status: 'completed' | 'failed',
    error: ErrorItem | null,
    now: number,
  ): Promise<void> {
    await this.db
      .updateTable('portfolio_refresh_connections')
      .set({ status, error: error ? JSON.stringify(error) : null, updated_at: now })
      .where('connection_id', '=', connectionId)
      .where('status', 'in', ['queued', 'running'])
      .where('created_at', '<=', startedAt)
      .execute();
  }

  async hasQueued(connectionId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('portfolio_refresh_connections')
      .select('refresh_id')
      .where('connection_id', '=', connectionId)
      .where('status', '=', 'queued')
      .executeTakeFirst();
    return row !== undefined;
  }
}
