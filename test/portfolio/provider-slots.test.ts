import { describe, expect, it } from 'vitest';
import { ProviderSlots } from '../../src/portfolio/sync/provider-slots.ts';

describe('per-provider sync concurrency', () => {
  it('runs at most the limit per provider, in arrival order, without holding back other providers', async () => {
    const slots = new ProviderSlots(2);
    const releases: Array<() => void> = [];
    const running = new Map<string, number>();
    const peak = new Map<string, number>();
    const started: string[] = [];
    const job = (provider: string, name: string) =>
      slots.use(provider, async () => {
        started.push(name);
        running.set(provider, (running.get(provider) ?? 0) + 1);
        peak.set(provider, Math.max(peak.get(provider) ?? 0, running.get(provider)!));
        await new Promise<void>((resolve) => releases.push(resolve));
        running.set(provider, running.get(provider)! - 1);
      });
    const jobs = [
      job('ethereum', 'e1'),
      job('ethereum', 'e2'),
      job('ethereum', 'e3'),
      job('bitcoin', 'b1'),
      job('ethereum', 'e4'),
    ];
    await Promise.resolve();
    expect(started).toEqual(['e1', 'e2', 'b1']);
    while (releases.length) {
      releases.shift()!();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(jobs);
    expect(started).toEqual(['e1', 'e2', 'b1', 'e3', 'e4']);
    expect(peak.get('ethereum')).toBe(2);
  });
});
