import type { ProofReplayCache } from './replay-cache.ts';

const PREFIX = 'consentry:dpop-proof:';

/**
 * The replay cache in Redis: `SET … NX PX` is one atomic "first use" across every node. While
 * Redis is away (down at start, cut, frozen) proofs are remembered in `fallback` instead — the
 * database on PostgreSQL, still shared by the nodes; this process's memory on SQLite — so an
 * outage never refuses or holds a request. The node starts without Redis and reconnects by itself.
 */
export async function createRedisReplayCache(
  url: string,
  now: () => number,
  fallback: ProofReplayCache,
  warn: (message: string, error: unknown) => void,
): Promise<ProofReplayCache> {
  const { Redis } = await import('ioredis'); // loaded only when REDIS_URL is set
  // No offline queue and a short command timeout: a missing Redis answers at once, not late.
  const redis = new Redis(url, {
    connectTimeout: 2000,
    commandTimeout: 200,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
  });
  let warned = false;
  const away = (error: unknown) => {
    if (!warned) warn('Redis is out of reach; DPoP proofs are remembered in the fallback store meanwhile', error);
    warned = true;
  };
  redis.on('error', away);
  redis.on('ready', () => (warned = false));
  return {
    firstUse: async (key, expiresAt) => {
      if (redis.status !== 'ready') return fallback.firstUse(key, expiresAt);
      const ttlMs = Math.max(1, Math.ceil(expiresAt - now()));
      try {
        return (await redis.set(PREFIX + key, '1', 'PX', ttlMs, 'NX')) === 'OK';
      } catch (error) {
        away(error);
        return fallback.firstUse(key, expiresAt);
      }
    },
    close: async () => {
      redis.disconnect();
      await fallback.close();
    },
  };
}
