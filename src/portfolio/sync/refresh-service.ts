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
      /**
       * Queues a sync of the connection, inside `within` (a transaction) when given; `hurry`: a
       * waiting automatic retry of the connection runs now instead of after its backoff.
       */
      enqueueSync(connectionId: string, options?: { hurry?: boolean; within?: Db }): Promise<void>;
      /** Starts the syncs queued within a committed transaction now. */
      wakeSyncs(): void;
    },
  ) {}

  /** Refreshes the person's connections (`only`: those of them, e.g. the ones the asking app may see). */
  async request(
    userId: string,
    kind: 'assets' | 'transactions',
    only?: ReadonlySet<string>,
  ): Promise<{ view: RefreshView; skipped: ErrorItem[] }> {
    const { deps } = this;
    const now = deps.clock.now();
    const linked = (await deps.connections.listForUser(userId)).filter(
      (c) => c.status !== 'pending' && (!only || only.has(c.id)),
    );
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
        for (const connection of claimed) await deps.enqueueSync(connection.id, { within: trx });
      },
    );
    deps.wakeSyncs();
    return { view: toView((await deps.refreshes.find(id, userId))!), skipped };
  }

  /**
   * "Try again" on one connection: its sync is queued now (bringing forward an automatic retry
   * that waits out its backoff), as a refresh of that connection, within the same cooldown as
   * refreshes. Its status reads `syncing` at once, keeping the last error until the sync ends.
   * @throws ApiError 404 (not this person's), 400 (an OAuth link never finished), 429 (inside the cooldown)
   */
  async retryConnection(userId: string, connectionId: string): Promise<void> {
    const { deps } = this;
    const connection = await deps.connections.findById(connectionId);
    if (!connection || connection.userId !== userId) throw notFound(`connection ${connectionId} is not linked`);
    if (connection.status === 'pending')
      throw new ApiError(400, 'bad_request', 'this link was never finished; link the provider again');
    const now = deps.clock.now();
    if (!(await deps.connections.claimRefresh(connection.id, now, deps.cooldownMs))) {
      const fresh = await deps.connections.findById(connection.id);
      const seconds = Math.max(1, Math.ceil(((fresh?.lastRefreshRequestedAt ?? now) + deps.cooldownMs - now) / 1000));
      throw new ApiError(
        429,
        'rate_limited',
        `connection ${connection.id} was refreshed less than ${Math.round(deps.cooldownMs / 1000)} s ago; retry in ${seconds} s`,
        connection.providerId,
        seconds,
      );
    }
    await deps.refreshes.create(
      newId(),
      userId,
      'transactions',
      [{ connectionId: connection.id, providerId: connection.providerId }],
      now,
    );
    if (connection.status !== 'syncing')
      await deps.connections.setStatus(connection.id, 'syncing', connection.lastError, now);
    await deps.enqueueSync(connection.id, { hurry: true });
  }

  /** A refresh's state; `only`: the connections the asking app may see (the others are left out). */
  async status(userId: string, refreshId: string, only?: ReadonlySet<string>): Promise<RefreshView> {
    const refresh = await this.deps.refreshes.find(refreshId, userId);
    if (!refresh) throw notFound(`refresh ${refreshId} does not exist`);
    const view = toView(refresh);
    return only ? { ...view, connections: view.connections.filter((c) => only.has(c.connection_id)) } : view;
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
