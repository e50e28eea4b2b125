import type { Redis } from 'ioredis';

type Counted = { current: number; ttl: number };
type Done = (error: Error | null, result?: Counted) => void;
type RouteParams = { routeInfo?: { method?: string; url?: string } };

// One round trip: count the request, start the window on the first, answer the count and what is left of the window.
const COUNT_SCRIPT = `
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if n == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}`;

const LOCAL_KEYS = 10_000;

/** Fixed windows counted in this process: the limits while Redis is away (then per node). */
class LocalWindows {
  private readonly windows = new Map<string, { count: number; endsAt: number }>();

  count(key: string, windowMs: number): Counted {
    const now = Date.now();
    let window = this.windows.get(key);
    if (!window || window.endsAt <= now) {
      this.windows.delete(key);
      if (this.windows.size >= LOCAL_KEYS) this.windows.delete(this.windows.keys().next().value!);
      window = { count: 0, endsAt: now + windowMs };
      this.windows.set(key, window);
    }
    window.count++;
    return { current: window.count, ttl: window.endsAt - now };
  }
}

/**
 * A store for @fastify/rate-limit that counts in Redis (shared by every node) while Redis
 * answers, and in this process while it does not: a Redis outage or freeze costs neither an
 * error nor a wait, the limits only become per node until Redis is back.
 */
export function fallbackRateLimitStore(redis: Redis, nameSpace: string, onFallback: (error: unknown) => void) {
  const local = new LocalWindows();
  redis.defineCommand('consentryCount', { numberOfKeys: 1, lua: COUNT_SCRIPT });
  const counter = redis as Redis & { consentryCount(key: string, windowMs: number): Promise<[number, number]> };

  return class FallbackRateLimitStore {
    constructor(
      _params?: unknown,
      private readonly prefix = nameSpace,
    ) {}

    /** The plugin passes the route's window (its typings leave it out). */
    incr(key: string, done: Done, timeWindow = 60_000): void {
      const full = this.prefix + key;
      if (redis.status !== 'ready') {
        done(null, local.count(full, timeWindow));
        return;
      }
      counter.consentryCount(full, timeWindow).then(
        ([current, ttl]) => done(null, { current, ttl }),
        (error: unknown) => {
          onFallback(error);
          done(null, local.count(full, timeWindow));
        },
      );
    }

    child(options: object): FallbackRateLimitStore {
      const params = options as RouteParams;
      const route = `${params.routeInfo?.method ?? ''}${params.routeInfo?.url ?? ''}`;
      return new FallbackRateLimitStore(undefined, `${this.prefix}${route}-`);
    }
  };
}
