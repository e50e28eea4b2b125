import type { ConnectionRepository } from '../connections/connection-repository.ts';

/** The window of syncs a provider's status looks at. */
const WINDOW_MS = 3600_000;
/** A status is reused this long: the catalogue is read often, the answer changes slowly. */
const CACHE_MS = 30_000;

/**
 * A provider is `degraded` when, of its connections synced in the last hour, at least half
 * could not reach it (provider_unavailable). Refused keys (needs_reauth) are a person's
 * problem, not the provider's, and do not count.
 */
export class ProviderStatus {
  private cached: { at: number; degraded: Set<string> } | undefined;

  constructor(
    private readonly connections: Pick<ConnectionRepository, 'syncHealth'>,
    private readonly now: () => number,
  ) {}

  async degraded(): Promise<Set<string>> {
    const now = this.now();
    if (this.cached && now - this.cached.at < CACHE_MS) return this.cached.degraded;
    const health = await this.connections.syncHealth(now - WINDOW_MS);
    const degraded = new Set(
      [...health].filter(([, h]) => h.unreachable > 0 && h.unreachable * 2 >= h.synced).map(([id]) => id),
    );
    this.cached = { at: now, degraded };
    return degraded;
  }
}
