import type { ProofReplayCache } from './replay-cache.ts';

/**
 * The replay cache of a single node (SQLite deployments). Entries are kept in insertion order,
 * which is nearly expiry order (every proof expires a fixed window after its `iat`), so each
 * insert drops the expired entries at the front: memory stays about two windows of proofs.
 */
export class MemoryReplayCache implements ProofReplayCache {
  private readonly seen = new Map<string, number>();

  constructor(private readonly now: () => number) {}

  async firstUse(key: string, expiresAt: number): Promise<boolean> {
    const now = this.now();
    for (const [oldest, until] of this.seen) {
      if (until > now) break;
      this.seen.delete(oldest);
    }
    const until = this.seen.get(key);
    if (until !== undefined && until > now) return false;
    this.seen.set(key, expiresAt);
    return true;
  }

  async close(): Promise<void> {
    this.seen.clear();
  }
}
