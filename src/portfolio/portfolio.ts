import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../kernel/db/database.ts';
import type { Kernel } from '../kernel/kernel.ts';
import { AssetRepository } from './assets/asset-repository.ts';
import { SpamList } from './assets/spam-list.ts';
import { SpamRepository } from './assets/spam-repository.ts';
import { Catalog } from './catalog/catalog.ts';
import { ProviderStatus } from './catalog/provider-status.ts';
import { OAuthLinking } from './connections/oauth-linking.ts';
import { ConnectionRepository } from './connections/connection-repository.ts';
import { ConnectionService } from './connections/connection-service.ts';
import { PositionRepository } from './ledger/position-repository.ts';
import { TransactionRepository } from './ledger/transaction-repository.ts';
import { CoinList } from './prices/coin-list.ts';
import { CoinListRepository } from './prices/coin-list-repository.ts';
import { coinGeckoCoinList } from './prices/coin-list-source.ts';
import { coinGeckoSource } from './prices/coingecko.ts';
import { PriceRepository } from './prices/price-repository.ts';
import type { PriceSource } from './prices/price-source.ts';
import { PriceService } from './prices/price-service.ts';
import { AssetsReader } from './reads/assets-reader.ts';
import { CursorCodec } from './reads/cursor.ts';
import { TransactionsReader } from './reads/transactions-reader.ts';
import { portfolioSettings, type PortfolioSettings } from './settings.ts';
import {
  credentialVerifier,
  sourceFactory,
  walletNameResolver,
  type CredentialVerifier,
  type SourceFactory,
} from './sources/create-source.ts';
import { flagSpam } from './sync/flag-spam.ts';
import { InternalTransfers } from './sync/internal-transfers.ts';
import { RefreshRepository } from './sync/refresh-repository.ts';
import { RefreshService } from './sync/refresh-service.ts';
import { SyncEngine } from './sync/sync-engine.ts';
import { discoverNetworks } from './sources/evm/discover-networks.ts';
import { AccessLog } from './sharing/access-log.ts';
import { AccessLogRepository } from './sharing/access-log-repository.ts';
import { AppChoiceRepository } from './sharing/app-choice-repository.ts';
import { AppSharing } from './sharing/app-sharing.ts';

export const SYNC_JOB = 'portfolio.sync';
const SYNC_ATTEMPTS = 5;

/** The portfolio's services, wired once per application from the shared context. */
export interface Portfolio {
  settings: PortfolioSettings;
  catalog: Catalog;
  /** Linking exchanges through their own OAuth. */
  oauthLinks: OAuthLinking;
  /** Which providers are degraded (recent syncs could not reach them). */
  providerStatus: ProviderStatus;
  connections: ConnectionService;
  connectionRepo: ConnectionRepository;
  refreshes: RefreshService;
  assetsReader: AssetsReader;
  transactionsReader: TransactionsReader;
  engine: SyncEngine;
  prices: PriceService;
  cursors: CursorCodec;
  /** Which linked accounts each app may see. */
  sharing: AppSharing;
  /** What each app read, per person (kept 90 days). */
  accessLog: AccessLog;
  /** How many transactions each connection's syncs have read so far (the widget's progress). */
  itemsRead(connectionIds: string[]): Promise<Map<string, number>>;
}

export interface PortfolioOverrides {
  sources?: SourceFactory;
  verifyCredentials?: CredentialVerifier;
  priceSource?: PriceSource;
}

const built = new WeakMap<Kernel, Portfolio>();

/** Builds (once per context) and returns the portfolio; registers the sync job handler. */
export function portfolioOf(ctx: Kernel, log: FastifyBaseLogger, overrides: PortfolioOverrides = {}): Portfolio {
  const existing = built.get(ctx);
  if (existing) return existing;
  const db = ctx.database.db;
  const settings = portfolioSettings(ctx.config);
  const catalog = new Catalog(settings);
  const connectionRepo = new ConnectionRepository(db);
  const transactions = new TransactionRepository(db);
  const positions = new PositionRepository(db);
  const assets = new AssetRepository(db);
  const refreshRepo = new RefreshRepository(db);
  const spam = new SpamRepository(db);
  const spamList = SpamList.load(settings.spamTokensFile);
  const internal = new InternalTransfers(transactions);
  const coinGecko = {
    baseUrl: settings.coingeckoUrl,
    apiKey: settings.coingeckoKey,
    timeoutMs: settings.sourceTimeoutMs,
    ...(settings.coingeckoCallsPerMinute
      ? { rateLimit: { calls: settings.coingeckoCallsPerMinute, windowMs: 60_000 } }
      : {}),
    now: () => ctx.clock.now(),
  };
  const priceSource = overrides.priceSource ?? coinGeckoSource(coinGecko);
  const prices = new PriceService({
    source: priceSource,
    repo: new PriceRepository(db),
    clock: ctx.clock,
    cacheMs: settings.priceCacheMs,
  });
  const enqueueSync = async (connectionId: string, options: { hurry?: boolean; within?: Db } = {}) => {
    await ctx.jobs.enqueue(
      SYNC_JOB,
      { connectionId },
      {
        key: connectionId,
        maxAttempts: SYNC_ATTEMPTS,
        ...(options.hurry ? { hurry: true } : {}),
        ...(options.within ? { within: options.within } : {}),
      },
    );
  };
  const credentialsBox = ctx.box('portfolio-credentials');
  const oauthLinks = new OAuthLinking({
    settings,
    issuer: ctx.config.ISSUER,
    repo: connectionRepo,
    box: credentialsBox,
    now: () => ctx.clock.now(),
    syncNow: enqueueSync,
  });
  const connections: ConnectionService = new ConnectionService({
    catalog,
    repo: connectionRepo,
    box: credentialsBox,
    oauth: oauthLinks,
    clock: ctx.clock,
    queueSync: (connectionId, within) => enqueueSync(connectionId, within ? { within } : {}),
    wakeSyncs: () => ctx.jobs.wake(),
    csvLimits: { maxBytes: settings.csvMaxBytes, maxRows: settings.csvMaxRows },
    discoverNetworks: (address) => discoverNetworks(settings.evmChains, address, settings.sourceTimeoutMs),
    verifyCredentials: overrides.verifyCredentials ?? credentialVerifier(settings, { now: () => ctx.clock.now() }),
    resolveWalletName: walletNameResolver(settings, { now: () => ctx.clock.now() }),
    aroundUnlink: async (userId, ids, remove) => {
      // OAuth-linked exchanges are told to forget Consentry's tokens (best effort: unlinking never waits on them).
      for (const connection of await connectionRepo.listForUser(userId)) {
        if (!ids.includes(connection.id) || connection.authType !== 'oauth2') continue;
        const credentials = await connections.credentials(connection.id);
        if (credentials) await oauthLinks.revokeCredentials(connection.providerId, credentials).catch(() => undefined);
      }
      const pairs = (await Promise.all(ids.map((id) => transactions.hashesOf(id))))
        .flat()
        .map((p) => ({ chain: p.chain, hash: p.tx_hash }));
      await remove();
      await internal.rematch(userId, pairs);
      // The facts of the wallets removed went with them: a token they had sent may be spam again.
      await flagSpam({ spam, spamList, assets, positions, transactions, prices, clock: ctx.clock }, userId, {
        askPrices: false,
      });
    },
  });
  const engine = new SyncEngine({
    providerConcurrency: ctx.config.PORTFOLIO_PROVIDER_CONCURRENCY,
    db,
    catalog,
    connections: connectionRepo,
    connectionService: connections,
    transactions,
    positions,
    assets,
    refreshes: refreshRepo,
    prices,
    spam,
    spamList,
    coins: new CoinList({
      source: coinGeckoCoinList(coinGecko),
      repo: new CoinListRepository(db),
      clock: ctx.clock,
      log,
    }),
    internal,
    sources:
      overrides.sources ??
      sourceFactory(settings, {
        now: () => ctx.clock.now(),
        saveCredentials: async (id, credentials) =>
          connectionRepo.updateSealed(id, credentialsBox.seal(JSON.stringify(credentials)), ctx.clock.now()),
      }),
    clock: ctx.clock,
    log,
    maxAttempts: SYNC_ATTEMPTS,
    // Keyed like every sync: it waits for the current run to end, and two never run at once.
    requeue: enqueueSync,
  });
  ctx.jobs.handle<{ connectionId: string }>(SYNC_JOB, (payload, job) => engine.run(payload.connectionId, job.attempt), {
    backoffMs: 2000,
    maxAttempts: SYNC_ATTEMPTS,
  });
  const accessLog = new AccessLog({ repo: new AccessLogRepository(db), clock: ctx.clock, log });
  // Runs before the database closes (the kernel closes last in, first out): no entry is lost on shutdown.
  ctx.onClose(() => accessLog.flush());
  const portfolio: Portfolio = {
    settings,
    catalog,
    providerStatus: new ProviderStatus(connectionRepo, () => ctx.clock.now()),
    oauthLinks,
    connections,
    connectionRepo,
    engine,
    prices,
    refreshes: new RefreshService({
      connections: connectionRepo,
      refreshes: refreshRepo,
      clock: ctx.clock,
      cooldownMs: settings.refreshCooldownMs,
      enqueueSync,
      wakeSyncs: () => ctx.jobs.wake(),
    }),
    assetsReader: new AssetsReader({ positions, prices }),
    transactionsReader: new TransactionsReader({ transactions, assets }),
    cursors: new CursorCodec(ctx.secretKey, 'list'),
    sharing: new AppSharing({ choices: new AppChoiceRepository(db), connections: connectionRepo, clock: ctx.clock }),
    accessLog,
    itemsRead: (connectionIds) => transactions.countByConnection(connectionIds),
  };
  built.set(ctx, portfolio);
  return portfolio;
}
