import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../../kernel/clock.ts';
import type { CoinListRepository } from './coin-list-repository.ts';
import type { Coin, CoinListSource } from './coin-list-source.ts';
import { PriceSourceUnavailable } from './price-source.ts';

/** The list changes slowly (new listings); once a day keeps new coins in reach at one call a day. */
export const COIN_LIST_MAX_AGE_MS = 86_400_000;
/** After a failed fetch, nodes wait this long before one tries again (the old list stays in use). */
export const COIN_LIST_RETRY_MS = 3_600_000;

/**
 * The price source's coins list as every node sees it: stored in the database, fetched again by
 * one node when a day old. An outage keeps the last list; with no list yet nothing is found, so
 * no symbol gets a price key by guesswork.
 */
export class CoinList {
  constructor(
    private readonly deps: { source: CoinListSource; repo: CoinListRepository; clock: Clock; log: FastifyBaseLogger },
  ) {}

  /** Coins listed under each symbol (case-insensitive), keyed by the lowercase symbol. */
  async bySymbol(symbols: string[]): Promise<Map<string, Coin[]>> {
    await this.refreshIfDue();
    const out = new Map<string, Coin[]>();
    for (const coin of await this.deps.repo.bySymbols(symbols.map((s) => s.toLowerCase())))
      out.set(coin.symbol, [...(out.get(coin.symbol) ?? []), coin]);
    return out;
  }

  /** Fetches the list if it is a day old and no other node is (or just was) at it. */
  async refreshIfDue(): Promise<void> {
    const { repo, clock, log } = this.deps;
    const now = clock.now();
    const staleBefore = now - COIN_LIST_MAX_AGE_MS;
    const triedBefore = now - COIN_LIST_RETRY_MS;
    const state = await repo.state();
    const stale = state.fetchedAt === null || state.fetchedAt <= staleBefore;
    if (!stale || state.attemptedAt > triedBefore) return;
    if (!(await repo.claimRefresh(now, staleBefore, triedBefore))) return;
    let coins: Coin[];
    try {
      coins = await this.deps.source();
    } catch (error) {
      if (!(error instanceof PriceSourceUnavailable)) throw error;
      log.warn({ err: error }, 'the coins list could not be fetched; the last one stays in use');
      return;
    }
    await repo.replace(coins, clock.now());
  }
}
