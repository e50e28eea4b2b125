import { ProviderSlots } from './provider-slots.ts';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../kernel/db/database.ts';
import { yieldToEventLoop } from '../../kernel/threads/module-worker.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { AssetRepository } from '../assets/asset-repository.ts';
import { assetId } from '../assets/asset-ref.ts';
import type { Catalog } from '../catalog/catalog.ts';
import type { Connection } from '../connections/connection.ts';
import type { ConnectionRepository } from '../connections/connection-repository.ts';
import type { ConnectionService } from '../connections/connection-service.ts';
import { SourceError, type ErrorItem } from '../errors.ts';
import type { PositionRepository } from '../ledger/position-repository.ts';
import type { TransactionRepository } from '../ledger/transaction-repository.ts';
import type { CoinList } from '../prices/coin-list.ts';
import type { PriceService } from '../prices/price-service.ts';
import type { SourceFactory } from '../sources/create-source.ts';
import type { SourceAdapter } from '../sources/source.ts';
import type { AssetHints } from '../assets/asset-hints.ts';
import type { SpamList } from '../assets/spam-list.ts';
import type { SpamRepository } from '../assets/spam-repository.ts';
import { balancesFromLedger } from './balances-from-ledger.ts';
import { flagSpam } from './flag-spam.ts';
import type { ChainHash, InternalTransfers } from './internal-transfers.ts';
import { priceTransactions } from './price-transactions.ts';
import type { RefreshRepository } from './refresh-repository.ts';
import { resolvePriceKeys } from './resolve-price-keys.ts';
import { toTransactionRow } from './stage-transactions.ts';
import { tokenActivity } from './token-activity.ts';

interface HistoryRead {
  hashes: ChainHash[];
  /** When the read began: the rows it wrote are those of the connection updated since. */
  since: number;
  /** The person's spam tokens when the read began: what its transactions were marked by. */
  stagedSpam: ReadonlySet<string>;
}

export interface SyncEngineDeps {
  /** Syncs of one provider running at once on this node. */
  providerConcurrency?: number;
  db: Db;
  catalog: Catalog;
  connections: ConnectionRepository;
  connectionService: ConnectionService;
  transactions: TransactionRepository;
  positions: PositionRepository;
  assets: AssetRepository;
  refreshes: RefreshRepository;
  prices: PriceService;
  /** Spam verdicts per person and the facts they rest on. */
  spam: SpamRepository;
  /** Tokens known to be spam. */
  spamList: SpamList;
  /** The price source's coins, for mapping exchange symbols to price keys. */
  coins: CoinList;
  internal: InternalTransfers;
  sources: SourceFactory;
  clock: Clock;
  log: FastifyBaseLogger;
  maxAttempts: number;
  /** Queues another sync of the connection (for refreshes that arrived while it ran). */
  requeue(connectionId: string): Promise<void>;
}

/**
 * One sync of one connection, run as a durable job: history page by page (each page and its
 * cursor committed together, so a crash resumes where it stopped), then balances, internal
 * transfers, price keys for exchange symbols, prices, and the person's spam verdicts; the
 * connection's status says how it went.
 */
export class SyncEngine {
  private readonly slots: ProviderSlots;

  constructor(private readonly deps: SyncEngineDeps) {
    this.slots = new ProviderSlots(deps.providerConcurrency ?? 2);
  }

  async run(connectionId: string, attempt: number): Promise<void> {
    const { deps } = this;
    const connection = await deps.connections.findById(connectionId);
    if (!connection) return; // unlinked meanwhile
    const startedAt = deps.clock.now();
    await deps.refreshes.markRunning(connectionId, startedAt);
    if (connection.status !== 'syncing')
      await deps.connections.setStatus(connectionId, 'syncing', connection.lastError, startedAt);
    try {
      const { history, hints } = await this.slots.use(connection.providerId, async () => {
        const adapter = await this.adapterFor(connection);
        try {
          await adapter.validate();
          if (adapter.balancesFirst) await this.syncBalances(connection, adapter);
          const read = await this.syncHistory(connection, adapter);
          if (!adapter.balancesFirst) await this.syncBalances(connection, adapter);
          return { history: read, hints: await adapter.assetHints?.() };
        } finally {
          await adapter.close?.();
        }
      });
      await deps.internal.rematch(connection.userId, history.hashes);
      if (hints) await this.resolvePriceKeys(connection, hints);
      await this.price(connection);
      await this.flagSpam(connection, history);
      const now = deps.clock.now();
      await deps.connections.setStatus(connectionId, 'connected', null, now, true);
      await deps.refreshes.finish(connectionId, startedAt, 'completed', null, now);
      if (await deps.refreshes.hasQueued(connectionId)) await deps.requeue(connectionId);
    } catch (error) {
      await this.fail(connection, startedAt, attempt, error);
    }
  }

  private async adapterFor(connection: Connection): Promise<SourceAdapter> {
    const provider = this.deps.catalog.find(connection.providerId);
    const credentials = await this.deps.connectionService.credentials(connection.id);
    if (!provider || !credentials)
      throw new SourceError('invalid', `provider ${connection.providerId} is no longer available`);
    return this.deps.sources(provider, credentials, connection.id);
  }

  /**
   * Pages through new history, noting how the wallet came by each token as it goes; returns the
   * on-chain hashes it stored and the spam verdicts it marked the transactions with.
   */
  private async syncHistory(connection: Connection, adapter: SourceAdapter): Promise<HistoryRead> {
    const { deps } = this;
    const read: HistoryRead = {
      hashes: [],
      since: deps.clock.now(),
      stagedSpam: new Set((await deps.spam.flaggedOf(connection.userId)).keys()),
    };
    let cursor = connection.txCursor;
    for (;;) {
      const batch = await adapter.fetchTransactions(cursor);
      const now = deps.clock.now();
      const assets = batch.items.flatMap((tx) => [...tx.inputs, ...tx.outputs, ...tx.fees].map((l) => l.asset));
      await deps.assets.ensure(assets, now);
      const keyed = await deps.assets.keyedSince(assets);
      const rows = batch.items.map((tx) => toTransactionRow(connection, tx, now, keyed, read.stagedSpam));
      const activity = tokenActivity(batch.items);
      await deps.db.transaction().execute(async (trx) => {
        await deps.transactions.upsertMany(rows, trx);
        await deps.spam.recordActivity(connection.id, connection.userId, activity, trx);
        await deps.connections.setCursor(connection.id, batch.nextCursor, now, trx);
      });
      for (const tx of batch.items) if (tx.chain && tx.txHash) read.hashes.push({ chain: tx.chain, hash: tx.txHash });
      cursor = batch.nextCursor;
      if (batch.done) return read;
      // A page whose items were at hand (a CSV import's next rows) must not chain the next one
      // in the same turn: requests waiting for the event loop run between pages.
      await yieldToEventLoop();
    }
  }

  private async syncBalances(connection: Connection, adapter: SourceAdapter): Promise<void> {
    const { deps } = this;
    // The cursor as stored now: after the history, the one this sync just saved.
    const cursor = (await deps.connections.findById(connection.id))?.txCursor ?? connection.txCursor;
    const balances = await adapter.fetchBalances(cursor);
    const now = deps.clock.now();
    let positions: Array<{ assetId: string; quantity: bigint }>;
    if (balances) {
      await deps.assets.ensure(
        balances.map((b) => b.asset),
        now,
      );
      positions = balances.map((b) => ({ assetId: assetId(b.asset), quantity: b.quantity }));
    } else {
      positions = balancesFromLedger(await deps.transactions.listLegs(connection.id));
    }
    await deps.positions.replaceForConnection(connection.id, connection.userId, positions, now);
  }

  /** Best effort, as prices are: an asset left without a key is tried again on the next sync. */
  private async resolvePriceKeys(connection: Connection, hints: AssetHints): Promise<void> {
    try {
      const keyed = await resolvePriceKeys(this.deps, hints);
      if (keyed) this.deps.log.debug({ connection: connection.id, keyed }, 'exchange assets mapped to price keys');
    } catch (error) {
      this.deps.log.warn(
        { err: error, connection: connection.id },
        'mapping exchange assets to price keys failed; their values stay null until the next sync',
      );
    }
  }

  /** Best effort: a price outage leaves values null, never fails the sync. */
  private async price(connection: Connection): Promise<void> {
    const { deps } = this;
    try {
      await priceTransactions(deps, connection.id);
    } catch (error) {
      deps.log.warn(
        { err: error, connection: connection.id },
        'pricing the history failed; values stay null until the next sync',
      );
    }
    try {
      const held = await deps.positions.listForUser(connection.userId, {});
      const keys = held
        .filter((p) => p.connection_id === connection.id && p.asset.price_key)
        .map((p) => p.asset.price_key!);
      await deps.prices.refreshCurrent(keys);
    } catch (error) {
      deps.log.warn(
        { err: error, connection: connection.id },
        'current prices unavailable; values stay null until the next sync',
      );
    }
  }

  /** Judges the person's tokens again now that this sync added facts (and perhaps prices). */
  private async flagSpam(connection: Connection, history: HistoryRead): Promise<void> {
    const { deps } = this;
    const result = await flagSpam(deps, connection.userId, {
      askPrices: true,
      written: { connectionId: connection.id, since: history.since, stagedSpam: history.stagedSpam },
    });
    if (result.priceError)
      deps.log.warn(
        { err: result.priceError, connection: connection.id },
        'token prices unavailable; spam verdicts used the last answers',
      );
    if (result.flagged.length || result.cleared.length)
      deps.log.debug(
        { connection: connection.id, flagged: result.flagged.length, cleared: result.cleared.length },
        'spam verdicts changed',
      );
  }

  private async fail(connection: Connection, startedAt: number, attempt: number, error: unknown): Promise<void> {
    const { deps } = this;
    const now = deps.clock.now();
    const kind = error instanceof SourceError ? error.kind : 'unavailable';
    const item: ErrorItem = {
      provider_id: connection.providerId,
      cause: kind === 'auth' ? 'provider_auth_failed' : kind === 'invalid' ? 'bad_request' : 'provider_unavailable',
      message: error instanceof SourceError ? error.message : 'the provider could not be synced',
    };
    if (!(error instanceof SourceError))
      deps.log.error({ err: error, connection: connection.id }, 'sync failed unexpectedly');
    await deps.connections.setStatus(connection.id, kind === 'auth' ? 'needs_reauth' : 'error', item, now);
    const retry = kind === 'unavailable' && attempt < deps.maxAttempts;
    if (retry) throw error instanceof Error ? error : new Error(String(error));
    await deps.refreshes.finish(connection.id, startedAt, 'failed', item, now);
    // A "Try again" that arrived while this sync ran was not answered by it: it gets its own.
    if (await deps.refreshes.hasQueued(connection.id)) await deps.requeue(connection.id);
  }
}
