import type { Clock } from '../../src/kernel/clock.ts';

/** A clock tests move by hand: real time plus an offset, or frozen at a given instant. */
export class TestClock implements Clock {
  private offset = 0;

  constructor(private readonly frozenAt?: number) {}

  now(): number {
    return (this.frozenAt ?? Date.now()) + this.offset;
  }

  advance(ms: number): void {
    this.offset += ms;
  }
}
