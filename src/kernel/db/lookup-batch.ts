/**
 * Lookups by key that arrive in the same turn of the event loop, answered by one query.
 *
 * On PostgreSQL every statement is a round trip: a write to the server's socket, a wake-up of its
 * backend, a read of the answer. Under load several token requests of one turn look up their
 * tokens at once; one `= ANY($1)` query for all of them costs about what one lookup did. A
 * lookup never waits for more than the turn it was asked in (`setImmediate`).
 *
 * A failed query fails every lookup of its batch with the same error, which is what each of them
 * would have met alone (the database is down, a statement timed out).
 */
export class LookupBatch<K, V> {
  private pending = new Map<string, { key: K; waiters: Array<Waiter<V>> }>();
  private scheduled = false;

  /**
   * @param keyOf  the key's identity: lookups of equal keys in one batch share one answer
   * @param lookUp answers for some keys, by identity; a key it leaves out was not found
   * @param maxKeys keys per query, at most: a turn with more runs several queries at once
   */
  constructor(
    private readonly keyOf: (key: K) => string,
    private readonly lookUp: (keys: K[]) => Promise<Map<string, V>>,
    private readonly maxKeys = 200,
  ) {}

  get(key: K): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      const id = this.keyOf(key);
      const entry = this.pending.get(id);
      if (entry) entry.waiters.push({ resolve, reject });
      else this.pending.set(id, { key, waiters: [{ resolve, reject }] });
      if (this.scheduled) return;
      this.scheduled = true;
      // After this turn's I/O callbacks: every request read in this turn has asked by then.
      setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const entries = [...this.pending];
    this.pending = new Map();
    this.scheduled = false;
    for (let start = 0; start < entries.length; start += this.maxKeys)
      void this.answer(entries.slice(start, start + this.maxKeys));
  }

  private async answer(entries: Array<[string, { key: K; waiters: Array<Waiter<V>> }]>): Promise<void> {
    let found: Map<string, V>;
    try {
      found = await this.lookUp(entries.map(([, { key }]) => key));
    } catch (error) {
      for (const [, { waiters }] of entries) for (const waiter of waiters) waiter.reject(error);
      return;
    }
    for (const [id, { waiters }] of entries) {
      const value = found.get(id);
      for (const waiter of waiters) waiter.resolve(value);
    }
  }
}

interface Waiter<V> {
  resolve: (value: V | undefined) => void;
  reject: (error: unknown) => void;
}
