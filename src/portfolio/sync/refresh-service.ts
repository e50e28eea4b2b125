import { newId } from '../../kernel/crypto/tokens.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { Db } from '../../kernel/db/database.ts';
import type { ConnectionRepository } from '../connections/connection-repository.ts';
import { ApiError, notFound, withEndUserCode, type ErrorItem } from '../errors.ts';
import type { Refresh, RefreshRepository } from './refresh-repository.ts';

export type RefreshStatus = 'queued' | 'running' | 'completed' | 'partial' | 'failed';

export interface RefreshView {
  refresh_id: string;
  status: RefreshStatus;
  connections: Array<{ connection_id: string; provider_id: string; status: string; error?: ErrorItem }>;
}

/**
 * Refreshes: one durable sync job per connection, at most one request per connection within
 * the cooldown (429 with Retry-After when every connection is inside it).
 */
export class RefreshService {
  constructor(
    private readonly deps: {
      connections: ConnectionRepository;
      refreshes: RefreshRepository;
      clock: Clock;
      cooldownMs: number;
      /** Queues a sync of the connection, inside `within` (a transaction) when given. */
      enqueueSync(connectionId: string, within?: Db): Promise<void>;
      /** Starts the syncs queued within a committed transaction now. */
      wakeSyncs(): void;
    },
  ) {}

  async request(userId: string, kind: 'assets' | 'transactions'): Promise<{ view: RefreshView; skipped: ErrorItem[] }> {
    const { deps } = this;
    const now = deps.clock.now();
    const linked = (await deps.connections.listForUser(userId)).filter((c) => c.status !== 'pending');
    if (linked.length === 0) throw notFound('no provider is linked; link one first (POST /providers)');
    const claimed: typeof linked = [];
    const skipped: ErrorItem[] = [];
    let retryAt = Infinity;
    for (const connection of linked) {
      if (await deps.connections.claimRefresh(connection.id, now, deps.cooldownMs)) claimed.push(connection);
      else {
        const fresh = await deps.connections.findById(connection.id);
        const at = (fresh?.lastRefreshRequestedAt ?? now) + deps.cooldownMs;
        retryAt = Math.min(retryAt, at);
        skipped.push({
          provider_id: connection.providerId,
          cause: 'rate_limited',
          message: `connection ${connection.id} was refreshed less than ${Math.round(deps.cooldownMs / 1000)} s ago`,
        });
      }
    }
    if (claimed.length === 0) {
      const seconds = Math.max(1, Math.ceil((retryAt - now) / 1000));
      throw new ApiError(
        429,
        'rate_limited',
        `every connection was refreshed within the last ${Math.round(deps.cooldownMs / 1000)} s; retry in ${seconds} s`,
        undefined,
        seconds,
      );
    }
    const id = newId();
    // The refresh and its syncs commit together: a refresh is never left waiting for a sync
    // that was not queued (a crash or a lost database between the two).
    await deps.refreshes.create(
      id,
      userId,
      kind,
      claimed.map((c) => ({ connectionId: c.id, providerId: c.providerId })),
      now,
      async (trx) => {
        for (const connection of claimed) await deps.enqueueSync(connection.id, trx);
      },
    );
    deps.wakeSyncs();
    return { view: toView((await deps.refreshes.find(id, userId))!), skipped };
  }

  async status(userId: string, refreshId: string): Promise<RefreshView> {
    const refresh = await this.deps.refreshes.find(refreshId, userId);
    if (!refresh) throw notFound(`refresh ${refreshId} does not exist`);
    return toView(refresh);
  }
}

function toView(refresh: Refresh): RefreshView {
  const states = refresh.connections.map((c) => c.status);
  let status: RefreshStatus;
  if (states.every((s) => s === 'queued')) status = 'queued';
  else if (states.some((s) => s === 'queued' || s === 'running')) status = 'running';
  else if (states.every((s) => s === 'completed')) status = 'completed';
  else if (states.every((s) => s === 'failed')) status = 'failed';
  else status = 'partial';
  return {
    refresh_id: refresh.id,
    status,
    connections: refresh.connections.map((c) => ({
      connection_id: c.connectionId,
      provider_id: c.providerId,
      status: c.status,
      ...(c.error ? { error: withEndUserCode(c.error) } : {}),
    })),
  };
}
