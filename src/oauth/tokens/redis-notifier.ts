import type { RevocationNotifier } from './revocation.ts';

const CHANNEL = 'consentry:revoked';

/** Announces revocations to every node over Redis pub/sub, so their caches drop at once. */
export async function createRedisNotifier(url: string): Promise<RevocationNotifier> {
  const { Redis } = await import('ioredis'); // loaded only when REDIS_URL is set
  const publisher = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  const subscriber = new Redis(url, { lazyConnect: true });
  await Promise.all([publisher.connect(), subscriber.connect()]);
  await subscriber.subscribe(CHANNEL);
  return {
    publish: async (key) => {
      await publisher.publish(CHANNEL, key);
    },
    subscribe: (onRevoked) => {
      subscriber.on('message', (channel: string, key: string) => {
        if (channel === CHANNEL) onRevoked(key);
      });
    },
    close: async () => {
      subscriber.disconnect();
      publisher.disconnect();
    },
  };
}
