import type { Clock } from '../../src/shared/clock.ts';

/** A clock tests move by hand: real time by default, frozen offsets when advanced. */
export class TestClock implements Clock {
  private offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
  advance(ms: number): void {
    this.offset += ms;
  }
}
