/** Time source; tests inject their own instead of sleeping. Milliseconds since the epoch. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export const seconds = (ms: number): number => Math.floor(ms / 1000);
