import type { ProofReplayCache } from './replay-cache.ts';

const PREFIX = 'consentry:dpop-proof:';

/** The replay cache in Redis: `SET … NX PX` is one atomic "first use" across every node. */
export async function createRedisReplayCache(url: string, now: () => number): Promise<ProofReplayCache> {
  const { Redis } = await import('ioredis'); // loaded only when REDIS_URL is set
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  return {
    firstUse: async (key, expiresAt) => {
      const ttlMs = Math.max(1, Math.ceil(expiresAt - now()));
      return (await redis.set(PREFIX + key, '1', 'PX', ttlMs, 'NX')) === 'OK';
    },
    close: async () => void redis.disconnect(),
  };
}
