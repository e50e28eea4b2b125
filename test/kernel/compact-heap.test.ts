import { getHeapStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { compactHeap } from '../../src/kernel/memory/compact-heap.ts';

describe('compactHeap', () => {
  it('frees what is no longer reachable and gives the pages back to the heap', async () => {
    // ~40 MB of arrays that survive long enough to reach the old generation, then are dropped.
    let garbage: number[][] | undefined = Array.from({ length: 400 }, (_, i) => new Array(12_500).fill(i + 0.5));
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
    const before = getHeapStatistics();
    expect(garbage.length).toBe(400);
    garbage = undefined;

    await compactHeap();

    const after = getHeapStatistics();
    expect(before.used_heap_size - after.used_heap_size).toBeGreaterThan(30e6);
    expect(before.total_heap_size - after.total_heap_size).toBeGreaterThan(30e6);
  });
});
