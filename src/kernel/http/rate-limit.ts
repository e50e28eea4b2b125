import type { FastifyInstance } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { Config } from '../../config.ts';
import { fallbackRateLimitStore } from './rate-limit-store.ts';

/**
 * The rate limiter, off by default: routes opt in with `config.rateLimit`. Counters live in
 * Redis when REDIS_URL is set so every node shares them (per node while Redis is away), else in
 * this process.
 */
export async function registerRateLimit(app: FastifyInstance, config: Config): Promise<void> {
  // ioredis is loaded only when configured: without Redis it would only take memory.
  // No offline queue and a short command timeout: while Redis is away or frozen, counting falls
  // back to this process at once (fallbackRateLimitStore) instead of failing or holding requests.
  const redis = config.REDIS_URL
    ? new (await import('ioredis')).Redis(config.REDIS_URL, {
        connectTimeout: 2000,
        commandTimeout: 200,
        maxRetriesPerRequest: 0,
        enableOfflineQueue: false,
      })
    : undefined;
  let warned = false;
  const fellBack = (error: unknown) => {
    if (!warned) app.log.warn({ err: error }, 'Redis is out of reach; rate limits count per node until it is back');
    warned = true;
  };
  if (redis) {
    redis.on('error', fellBack);
    redis.on('ready', () => (warned = false));
    app.addHook('onClose', async () => void redis.disconnect());
  }
  await app.register(rateLimit, {
    global: false,
    ...(redis ? { store: fallbackRateLimitStore(redis, 'consentry-rl:', fellBack) } : {}),
    errorResponseBuilder: (_request, context) => {
      const error = new Error(`Too many requests; try again in ${Math.ceil(context.ttl / 1000)} seconds.`) as Error & {
        statusCode: number;
        retryAfter: number;
      };
      error.statusCode = context.statusCode;
      error.retryAfter = Math.ceil(context.ttl / 1000);
      return error;
    },
  });
}

/** Per-IP limit for the endpoints anyone can call to make the server send or store something. */
export function perIpLimit(max: number) {
  return { rateLimit: { max, timeWindow: 60_000 } };
}
