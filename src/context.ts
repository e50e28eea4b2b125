import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config.ts';
import { openDatabase, type DatabaseHandle } from './kernel/db/database.ts';
import { migrateToLatest } from './kernel/db/migrate.ts';
import { resolveSecretKey } from './kernel/crypto/secret-key.ts';
import { SecretBox } from './kernel/crypto/secret-box.ts';
import { systemClock, type Clock } from './kernel/clock.ts';
import { KeyRing } from './kernel/keys/key-ring.ts';
import { SigningKeyRepository } from './kernel/keys/signing-key-repository.ts';
import { ScopeRegistry } from './kernel/scope-registry.ts';
import { coreScopes } from './oauth/core-scopes.ts';
import { whoamiResource } from './oauth/resource-guard/whoami/whoami.ts';
import { portfolioProduct } from './portfolio/index.ts';
import { schedulingProduct } from './scheduling/index.ts';
import { ClientRepository } from './oauth/clients/client-repository.ts';
import { ClientService } from './oauth/clients/client-service.ts';
import { Revocations, localOnlyNotifier, type RevocationNotifier } from './oauth/tokens/revocation.ts';
import { TokenFamilyRepository } from './oauth/tokens/token-family-repository.ts';
import { createRedisNotifier } from './oauth/tokens/redis-notifier.ts';
import { createTokenStore, type TokenStore } from './oauth/tokens/token-store.ts';
import { createJobQueue, type JobQueue } from './kernel/jobs/index.ts';
import { PersonalTokens } from './oauth/personal-tokens/personal-tokens.ts';
import pino from 'pino';

/** Shared infrastructure every feature receives: built once per process, closed on shutdown. */
export interface AppContext {
  config: Config;
  clock: Clock;
  database: DatabaseHandle;
  secretKey: Buffer;
  keys: KeyRing;
  registry: ScopeRegistry;
  clients: ClientRepository;
  clientService: ClientService;
  families: TokenFamilyRepository;
  /** The atomic units of the code and refresh grants (group commits on SQLite). */
  tokenStore: TokenStore;
  revocations: Revocations;
  sealedResponses: SecretBox;
  jobs: JobQueue;
  personalTokens: PersonalTokens;
  close(): Promise<void>;
}

export interface ContextOptions {
  clock?: Clock;
  log?: FastifyBaseLogger;
  /** Fail a SQLite group-commit unit that awaits anything but its statements (the tests' servers set this). */
  checkGroupCommitUnits?: boolean;
}

const PRODUCTS = { portfolio: portfolioProduct, scheduling: schedulingProduct };

/** Opens the database, migrates it, loads signing keys and registers the products' scopes. */
export async function createContext(config: Config, options: ContextOptions = {}): Promise<AppContext> {
  const clock = options.clock ?? systemClock;
  const database = openDatabase(config.DATABASE_URL, config.DATABASE_POOL_SIZE, (error) => options.log?.error({ err: error }, 'SQLite checkpoints fell back to the committing connection'));
  try {
    await migrateToLatest(database.db);
    const secret = resolveSecretKey(config);
    if (secret.generatedAt) options.log?.warn({ file: secret.generatedAt }, 'generated a development SECRET_KEY; set SECRET_KEY in production');
    const keys = new KeyRing({
      repo: new SigningKeyRepository(database.db, database.dialect),
      box: new SecretBox(secret.key, 'signing-keys'),
      clock,
      reloadMs: config.KEY_RELOAD_SECONDS * 1000,
    });
    await keys.ensureKeys();

    const registry = new ScopeRegistry(config.ISSUER);
    registry.register(coreScopes);
    registry.register(whoamiResource);
    for (const name of enabledProducts(config)) registry.register(PRODUCTS[name]);

    const clients = new ClientRepository(database.db, config.CLIENT_CACHE_MS, () => clock.now());
    const families = new TokenFamilyRepository(database.db);
    const notifier: RevocationNotifier = config.REDIS_URL ? await createRedisNotifier(config.REDIS_URL) : localOnlyNotifier;
    return {
      config,
      clock,
      database,
      secretKey: secret.key,
      keys,
      registry,
      clients,
      clientService: new ClientService(clients, registry, clock),
      families,
      tokenStore: createTokenStore(database, { checkUnits: options.checkGroupCommitUnits }),
      revocations: new Revocations(families, clock, config.REVOCATION_CACHE_MS, notifier),
      sealedResponses: new SecretBox(secret.key, 'refresh-grace-responses'),
      personalTokens: new PersonalTokens(database.db, registry, clock),
      jobs: createJobQueue(database, clock, options.log ?? pino({ level: 'warn' }), {
        pollMs: config.JOBS_POLL_MS,
        concurrency: config.JOBS_CONCURRENCY,
        leaseMs: config.JOBS_LEASE_SECONDS * 1000,
      }),
      close: async () => {
        await notifier.close();
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}

export function enabledProducts(config: Config): Array<keyof typeof PRODUCTS> {
  const names = config.PRODUCTS.split(',').map((s) => s.trim()).filter(Boolean);
  for (const name of names) {
    if (!(name in PRODUCTS)) throw new Error(`PRODUCTS names an unknown product: ${name} (known: ${Object.keys(PRODUCTS).join(', ')})`);
  }
  return names as Array<keyof typeof PRODUCTS>;
}
