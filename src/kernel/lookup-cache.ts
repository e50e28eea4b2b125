/**
 * Lookups by key remembered for `ttlMs` (0: none), for rows read on every request that change
 * rarely (clients, people). A change made through `change` clears its entry, and a lookup that
 * overlapped any change keeps nothing: on PostgreSQL a read begun before a write may answer after
 * it, with the old row. Other nodes' changes show within `ttlMs`. Bounded without bookkeeping:
 * past `maxEntries` the map starts over.
 */
export class LookupCache<V> {
  private readonly entries = new Map<string, { value: V; at: number }>();
  /** Moves when a change begins and when it ends, so a lookup can tell that one overlapped it. */
  private changes = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
    private readonly maxEntries = 10_000,
  ) {}

  /** The value remembered for `key`, else what `load` answers (remembered unless a change overlapped it). */
  async lookup(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.value;
    const changesBefore = this.changes;
    const value = await load();
    if (this.ttlMs > 0 && this.changes === changesBefore) {
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      this.entries.set(key, { value, at: this.now() });
    }
    return value;
  }

  /** Runs a write of `key`'s row; its entry goes on both sides of it. */
  async change<T>(key: string, write: () => Promise<T>): Promise<T> {
    this.changes++;
    this.entries.delete(key);
    try {
      return await write();
    } finally {
      this.changes++;
      this.entries.delete(key);
    }
  }
}
