import type { DatabaseHandle } from '../../kernel/db/database.ts';
import type { Kernel } from '../../kernel/kernel.ts';
import { DatabaseReplayCache } from './database-replay-cache.ts';
import { DpopNonces } from './dpop-nonces.ts';
import { DpopVerifier } from './dpop-verifier.ts';
import { MemoryReplayCache } from './memory-replay-cache.ts';
import { createRedisReplayCache } from './redis-replay-cache.ts';
import type { ProofReplayCache } from './replay-cache.ts';

/** The DPoP verifier of one node: nonces from SECRET_KEY, the replay cache where REDIS_URL and the database say. */
export async function createDpopVerifier(kernel: Kernel): Promise<DpopVerifier> {
  const { config, clock, database } = kernel;
  const replays = await createReplayCache(
    config.REDIS_URL,
    database,
    () => clock.now(),
    (message, error) => kernel.log.warn({ err: error }, message),
  );
  kernel.onClose(() => replays.close());
  return new DpopVerifier({
    clock,
    nonces: new DpopNonces(kernel.secretKey, config.DPOP_NONCE_ROTATION_SECONDS * 1000),
    replays,
    iatWindowSeconds: config.DPOP_IAT_WINDOW_SECONDS,
  });
}

/**
 * Where the replay cache lives: in Redis when REDIS_URL is set (every node shares it); on
 * PostgreSQL without Redis in the database (nodes still share it, at a write per proof); on
 * SQLite in this process's memory, since a SQLite deployment is one node. With Redis, the
 * database or memory store stands in while Redis is away.
 */
async function createReplayCache(
  redisUrl: string | undefined,
  database: DatabaseHandle,
  now: () => number,
  warn: (message: string, error: unknown) => void,
): Promise<ProofReplayCache> {
  const local = database.dialect === 'postgres' ? new DatabaseReplayCache(database.db) : new MemoryReplayCache(now);
  if (redisUrl) return createRedisReplayCache(redisUrl, now, local, warn);
  return local;
}
