/**
 * At most `limit` syncs talk to one provider at a time on this node (the contract's per-provider
 * concurrency limit), so a person with many wallets on one chain cannot flood its RPC endpoint
 * while other providers' syncs go on. Waiters are served first come, first served.
 */
export class ProviderSlots {
  private readonly running = new Map<string, number>();
  private readonly waiting = new Map<string, Array<() => void>>();

  constructor(private readonly limit: number) {}

  async use<T>(providerId: string, work: () => Promise<T>): Promise<T> {
    await this.acquire(providerId);
    try {
      return await work();
    } finally {
      this.release(providerId);
    }
  }

  private acquire(providerId: string): Promise<void> {
    const running = this.running.get(providerId) ?? 0;
    if (running < this.limit) {
      this.running.set(providerId, running + 1);
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.set(providerId, [...(this.waiting.get(providerId) ?? []), resolve]));
  }

  private release(providerId: string): void {
    const next = this.waiting.get(providerId)?.shift();
    if (next) return next(); // the slot passes straight to the next waiter
    this.running.set(providerId, (this.running.get(providerId) ?? 1) - 1);
  }
}
