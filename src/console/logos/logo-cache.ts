import type { Clock } from '../../kernel/clock.ts';
import type { FetchedImage } from './fetch-image.ts';

interface Entry {
  /** null: the last fetch failed; remembered briefly so a broken logo is not refetched per view. */
  image: FetchedImage | null;
  expiresAt: number;
}

/**
 * Logos in memory, per node: a cache with bounded staleness (DESIGN.md), never the source of
 * truth. Concurrent misses for one URL share a single fetch; the oldest entries go first when full.
 */
export class LogoCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<FetchedImage | null>>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly failureTtlMs: number,
    private readonly maxEntries: number,
  ) {}

  async get(key: string, load: () => Promise<FetchedImage>): Promise<FetchedImage | null> {
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > this.clock.now()) return hit.image;
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const loading = load().then(
      (image) => this.remember(key, image, this.ttlMs),
      () => this.remember(key, null, this.failureTtlMs),
    );
    this.inFlight.set(key, loading);
    try {
      return await loading;
    } finally {
      this.inFlight.delete(key);
    }
  }

  private remember(key: string, image: FetchedImage | null, ttlMs: number): FetchedImage | null {
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { image, expiresAt: this.clock.now() + ttlMs });
    return image;
  }
}
