import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Config } from '../../../config.ts';

/**
 * Booking, cancelling and rescheduling on the public pages send email and fire webhooks for
 * anyone who asks, so each passes two limiters: per IP address (BOOKING_RATE_LIMIT_PER_MINUTE)
 * and per host from all addresses together (BOOKING_HOST_RATE_LIMIT_PER_MINUTE), on the
 * platform's rate limiter (counters in Redis when REDIS_URL is set, so nodes share them). The
 * three actions share one counter per key. `hostKeyOf` names the host a request acts on.
 */
export function publicLimits(
  app: FastifyInstance,
  config: Config,
  hostKeyOf: (request: FastifyRequest) => Promise<string>,
): preHandlerAsyncHookHandler[] {
  const limiter = (app as unknown as { rateLimit(options: object): preHandlerAsyncHookHandler }).rateLimit;
  return [
    limiter({
      max: config.BOOKING_RATE_LIMIT_PER_MINUTE,
      timeWindow: 60_000,
      keyGenerator: (request: FastifyRequest) => `scheduling-public:ip:${request.ip}`,
    }),
    allowAnotherLimiter,
    limiter({
      max: config.BOOKING_HOST_RATE_LIMIT_PER_MINUTE,
      timeWindow: 60_000,
      keyGenerator: async (request: FastifyRequest) => `scheduling-public:host:${await hostKeyOf(request)}`,
    }),
  ];
}

/**
 * @fastify/rate-limit lets one limiter run per request (a symbol flag on the request); these
 * routes need two keys, so the flag is cleared between the two limiters.
 */
async function allowAnotherLimiter(request: FastifyRequest): Promise<void> {
  const flags = request as unknown as Record<symbol, unknown>;
  for (const symbol of Object.getOwnPropertySymbols(request))
    if (symbol.description === 'fastify.request.rateLimitRan') flags[symbol] = false;
}
