/**
 * At most `calls` requests in any window of `windowMs`, for every caller in this process. Each
 * caller reserves the earliest instant that keeps every window within the limit and waits for
 * it on a timer; one whose instant would come after its deadline reserves nothing and is told
 * so at once, so nobody waits for a slot it could not use. The window is held longer than the
 * API's own — by a twentieth, at least a quarter second — because two requests can draw closer
 * on their way by the difference of their transit times, and an API counting arrivals must
 * never see more than the limit.
 */
export class RollingWindowGate {
  /** Reserved send instants, oldest first; the last ones may lie in the future. */
  private readonly reserved: number[] = [];
  private closedUntil = 0;
  private readonly spanMs: number;

  readonly calls: number;

  constructor(
    calls: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.calls = Math.max(1, Math.floor(calls));
    this.spanMs = windowMs + Math.max(250, Math.ceil(windowMs / 20));
  }

  /**
   * Waits for this caller's slot and answers its instant; undefined, without waiting (more),
   * when it would come after `deadline`. A caller the gate was closed on while it waited
   * queues again behind the closing.
   */
  async take(deadline: number): Promise<number | undefined> {
    for (;;) {
      const now = this.now();
      while (this.reserved.length > 0 && this.reserved[0]! <= now - this.spanMs) this.reserved.shift();
      let at = Math.max(now, this.closedUntil, this.reserved.at(-1) ?? 0);
      // The `calls`-th latest reservation must have left the window before this one is sent.
      if (this.reserved.length >= this.calls)
        at = Math.max(at, this.reserved[this.reserved.length - this.calls]! + this.spanMs);
      if (at > deadline) return undefined;
      this.reserved.push(at);
      if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
      if (this.closedUntil <= at) return at;
      this.release(at);
    }
  }

  /** Gives a slot back: its request never reached the API (no connection), so it counted nothing. */
  release(at: number): void {
    const index = this.reserved.indexOf(at);
    if (index >= 0) this.reserved.splice(index, 1);
  }

  /** Holds every caller back until `until` (the API asked to wait, e.g. with Retry-After). */
  closeUntil(until: number): void {
    this.closedUntil = Math.max(this.closedUntil, until);
  }
}

const gates = new Map<string, RollingWindowGate>();

/**
 * The process's gate for one API and key: every client built for them shares it, so the
 * price source and the coins list draw on one budget. Limits are part of the name, so a client
 * configured differently (a test) never inherits another's reservations.
 */
export function sharedGate(name: string, calls: number, windowMs: number): RollingWindowGate {
  const id = `${name} ${calls}/${windowMs}`;
  let gate = gates.get(id);
  if (!gate) gates.set(id, (gate = new RollingWindowGate(calls, windowMs)));
  return gate;
}
