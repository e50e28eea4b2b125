import type { Clock } from '../../kernel/clock.ts';
import { CURRENCY, type PricePoint } from '../money/value.ts';
import type { PriceRepository } from './price-repository.ts';
import { PriceSourceUnavailable, type PriceSource } from './price-source.ts';

/** A history point counts for a moment only this close to it (daily series for long ranges). */
const MAX_DISTANCE_MS = 36 * 3600_000;
/**
 * How far before the oldest instant it lacks a miss fetches (within the source's reach). A
 * year, up to now, is one daily series (CoinGecko answers every range over 90 days with one
 * point a day) that also holds the asset's other transactions whatever order they are priced
 * in — a sync's next batch, Solana's history read newest first a page per step, the next sync —
 * so an asset costs one request per year of history at most.
 */
const LOOKBACK_MS = 365 * 86_400_000;

/**
 * Prices for positions (now) and transactions (at their time), through the database cache.
 * Reads never call the source: syncs refresh the cache, so API answers stay fast and a price
 * outage only leaves values null.
 */
export class PriceService {
  private readonly fetched: FetchedSpans;

  constructor(private readonly deps: { source: PriceSource; repo: PriceRepository; clock: Clock; cacheMs: number }) {
    this.fetched = new FetchedSpans(deps.cacheMs);
  }

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
   * Prices of `key` at each instant. When the cache lacks a point near one of them, the history
   * is fetched once, from a year before the oldest such instant up to now, and kept in the
   * database. Instants before the source's reach are unknown without asking. Unknown: absent
   * from the map.
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
    const { source, repo, clock } = this.deps;
    const now = clock.now();
    const earliest = source.earliestHistory?.(now) ?? -Infinity;
    const from = Math.min(...instants) - MAX_DISTANCE_MS;
    const to = Math.max(...instants) + MAX_DISTANCE_MS;
    let points = await repo.points(key, CURRENCY, from, to);
    const missing = instants.filter(
      (t) => t + MAX_DISTANCE_MS >= earliest && !nearest(points, t) && !this.fetched.covers(key, t, now),
    );
    if (missing.length > 0) {
      const span = { from: Math.max(Math.min(...missing) - LOOKBACK_MS, earliest), to: Math.max(to, now) };
      const fetched = await source.history(key, span.from, span.to);
      await repo.savePoints(key, CURRENCY, source.name, fetched, now);
      this.fetched.add(key, span, now);
      points = await repo.points(key, CURRENCY, from, to);
    }
    for (const t of instants) {
      const point = nearest(points, t);
      if (point) out.set(t, { price: point.price, at: point.at, source: point.source });
    }
    return out;
  }
}

/**
 * The spans this node asked the source for lately, per key: an instant inside one that still
 * has no point has none at the source either (a token younger than the transaction, an unknown
 * contract), so the next batch of the same sync does not ask again. Forgotten after `ttlMs`.
 */
class FetchedSpans {
  private readonly spans = new Map<string, { from: number; to: number; at: number }>();

  constructor(private readonly ttlMs: number) {}

  covers(key: string, t: number, now: number): boolean {
    const span = this.spans.get(key);
    return !!span && now - span.at < this.ttlMs && t - MAX_DISTANCE_MS >= span.from && t <= span.to;
  }

  add(key: string, span: { from: number; to: number }, now: number): void {
    if (this.spans.size >= 10_000) this.spans.clear();
    this.spans.set(key, { ...span, at: now });
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
