import type { Clock } from '../../kernel/clock.ts';
import { CURRENCY, type PricePoint } from '../money/value.ts';
import type { PriceRepository } from './price-repository.ts';
import { PriceSourceUnavailable, type PriceSource } from './price-source.ts';

/** A history point counts for a moment only this close to it (daily series for long ranges). */
const MAX_DISTANCE_MS = 36 * 3600_000;

/**
 * Prices for positions (now) and transactions (at their time), through the database cache.
 * Reads never call the source: syncs refresh the cache, so API answers stay fast and a price
 * outage only leaves values null.
 */
export class PriceService {
  constructor(private readonly deps: { source: PriceSource; repo: PriceRepository; clock: Clock; cacheMs: number }) {}

  /** Cached current prices (USD is always 1). */
  async current(keys: string[]): Promise<Map<string, PricePoint>> {
    const out = new Map<string, PricePoint>();
    const cached = await this.deps.repo.current(
      keys.filter((k) => !isFixed(k)),
      CURRENCY,
    );
    for (const key of keys) {
      const fixed = fixedPrice(key, this.deps.clock.now());
      if (fixed) out.set(key, fixed);
      const hit = cached.get(key);
      if (hit?.price) out.set(key, { price: hit.price, at: hit.fetchedAt, source: hit.source });
    }
    return out;
  }

  /**
   * What the source last said about each key: it has a price (true) or it knows none (false).
   * A key it was never asked about, or could not be asked about, is absent.
   */
  async answers(keys: string[]): Promise<Map<string, boolean>> {
    const out = new Map<string, boolean>();
    const cached = await this.deps.repo.current(
      keys.filter((k) => !isFixed(k)),
      CURRENCY,
    );
    for (const key of keys) {
      if (fixedPrice(key, 0)) out.set(key, true);
      const hit = cached.get(key);
      if (hit) out.set(key, hit.price !== null);
    }
    return out;
  }

  /** Asks the source for current prices older than the cache lifetime. */
  async refreshCurrent(keys: string[]): Promise<void> {
    const now = this.deps.clock.now();
    const wanted = [...new Set(keys.filter((k) => !isFixed(k)))];
    const cached = await this.deps.repo.current(wanted, CURRENCY);
    const stale = wanted.filter((k) => (cached.get(k)?.fetchedAt ?? 0) <= now - this.deps.cacheMs);
    if (stale.length === 0) return;
    const fresh = await this.deps.source.current(stale);
    await this.deps.repo.saveCurrent(
      stale.map((key) => ({ key, price: fresh.get(key) ?? null })),
      CURRENCY,
      this.deps.source.name,
      now,
    );
  }

  /**
   * Prices of `key` at each instant, fetching the history once for the whole span when the
   * cache has no point near them. Unknown: absent from the map.
   * @throws PriceSourceUnavailable
   */
  async at(key: string, instants: number[]): Promise<Map<number, PricePoint>> {
    const out = new Map<number, PricePoint>();
    if (instants.length === 0) return out;
    const fixed = fixedPrice(key, 0);
    if (fixed) {
      for (const t of instants) out.set(t, { ...fixed, at: t });
      return out;
    }
    if (isFixed(key)) return out;
    const from = Math.min(...instants) - MAX_DISTANCE_MS;
    const to = Math.max(...instants) + MAX_DISTANCE_MS;
    let points = await this.deps.repo.points(key, CURRENCY, from, to);
    if (instants.some((t) => !nearest(points, t))) {
      const fetched = await this.deps.source.history(key, from, to);
      await this.deps.repo.savePoints(key, CURRENCY, this.deps.source.name, fetched, this.deps.clock.now());
      points = await this.deps.repo.points(key, CURRENCY, from, to);
    }
    for (const t of instants) {
      const point = nearest(points, t);
      if (point) out.set(t, { price: point.price, at: point.at, source: point.source });
    }
    return out;
  }
}

export { PriceSourceUnavailable };

function nearest<T extends { at: number }>(points: T[], t: number): T | undefined {
  let best: T | undefined;
  for (const p of points)
    if (Math.abs(p.at - t) <= MAX_DISTANCE_MS && (!best || Math.abs(p.at - t) < Math.abs(best.at - t))) best = p;
  return best;
}

function isFixed(key: string): boolean {
  return key.startsWith('fiat:');
}

function fixedPrice(key: string, at: number): PricePoint | undefined {
  return key === `fiat:${CURRENCY}` ? { price: '1', at, source: 'fixed' } : undefined;
}
