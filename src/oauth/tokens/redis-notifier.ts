import type { RevocationNotifier } from './revocation.ts';

/** How long announcing a revocation may take before it is given up (the database stays the truth). */
const PUBLISH_DEADLINE_MS = 250;

export interface RedisNotifierOptions {
  /** The deployment's own channel: deployments sharing one Redis server must not hear each other. */
  deployment: string;
  warn(message: string, error: unknown): void;
}

/**
 * Announces revocations to every node over Redis pub/sub, so their caches drop at once. Best
 * effort: while Redis is away a revocation is still committed and answered at once; other nodes
 * then learn it when their cache entries expire (REVOCATION_CACHE_MS). The node starts, and keeps
 * running, without Redis; it reconnects and subscribes again by itself.
 */
export async function createRedisNotifier(url: string, options: RedisNotifierOptions): Promise<RevocationNotifier> {
  const { Redis } = await import('ioredis'); // loaded only when REDIS_URL is set
  const channel = `consentry:revoked:${options.deployment}`;
  // No offline queue: a publish while disconnected fails at once instead of waiting for Redis.
  const publisher = new Redis(url, { connectTimeout: 2000, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  const subscriber = new Redis(url, { connectTimeout: 2000 });
  let down = false;
  const onError = (error: unknown) => {
    if (!down) options.warn('Redis is out of reach; revocations reach other nodes when their caches expire', error);
    down = true;
  };
  publisher.on('error', onError);
  subscriber.on('error', onError);
  subscriber.on('ready', () => (down = false));
  // Queued until connected; ioredis subscribes again after every reconnection.
  subscriber.subscribe(channel).catch(onError);
  return {
    publish: async (key) => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`Redis did not take the announcement within ${PUBLISH_DEADLINE_MS} ms`)),
          PUBLISH_DEADLINE_MS,
        );
      });
      try {
        await Promise.race([publisher.publish(channel, key), late]);
      } catch (error) {
        onError(error);
      } finally {
        clearTimeout(timer);
      }
    },
    subscribe: (onRevoked) => {
      subscriber.on('message', (from: string, key: string) => {
        if (from === channel) onRevoked(key);
      });
    },
    close: async () => {
      subscriber.disconnect();
      publisher.disconnect();
    },
  };
}
