import type { Kernel } from '../kernel/kernel.ts';
import type { SecretBox } from '../kernel/crypto/secret-box.ts';
import { SqliteGroupCommit } from '../kernel/db/group-commit.ts';
import { ClientKeys } from './clients/client-keys.ts';
import { ClientRepository } from './clients/client-repository.ts';
import { ClientService } from './clients/client-service.ts';
import type { AssertionDeps } from './clients/verify-client-assertion.ts';
import { GrantLifecycle } from './consent/grant-lifecycle.ts';
import { createDpopVerifier } from './dpop/create-dpop-verifier.ts';
import type { DpopVerifier } from './dpop/dpop-verifier.ts';
import { PersonalTokens } from './personal-tokens/personal-tokens.ts';
import { SeenJtis } from './replay/seen-jtis.ts';
import { AccessTokenVerifier } from './tokens/access-token.ts';
import { createRedisNotifier } from './tokens/redis-notifier.ts';
import { RefreshSuccessors } from './tokens/refresh-successor.ts';
import { localOnlyNotifier, Revocations, type RevocationNotifier } from './tokens/revocation.ts';
import { TokenFamilyRepository } from './tokens/token-family-repository.ts';
import { createTokenStore, type TokenStore } from './tokens/token-store.ts';

/** What the authorization server's own modules share: the kernel plus its stores. Never leaves src/oauth. */
export interface OAuthContext extends Kernel {
  clients: ClientRepository;
  clientService: ClientService;
  families: TokenFamilyRepository;
  /** The atomic units of the code and refresh grants (group commits on SQLite). */
  tokenStore: TokenStore;
  revocations: Revocations;
  /** Checks access tokens presented at UserInfo, introspection and every protected API. */
  accessTokens: AccessTokenVerifier;
  /** Opens the sealed refresh responses that rows rotated before derived successors still hold. */
  sealedResponses: SecretBox;
  refreshSuccessors: RefreshSuccessors;
  personalTokens: PersonalTokens;
  /** Listeners told when a grant is revoked or a client deleted. */
  grantLifecycle: GrantLifecycle;
  /** Checks DPoP proofs (RFC 9449) at the token endpoint, UserInfo and the resource guard. */
  dpop: DpopVerifier;
  /** What client authentication by JWT needs: client keys (jwks_uri cache), seen jtis, sealed secrets. */
  clientAuth: AssertionDeps;
}

/** Back-channel logout to http://127.0.0.1 receivers: tests only (like webhooks). */
export function allowLoopbackBackchannel(config: Kernel['config']): boolean {
  return config.BACKCHANNEL_LOGOUT_ALLOW_LOOPBACK ?? config.NODE_ENV === 'test';
}

/** Opens the authorization server's stores and its revocation channel (Redis when configured) on the kernel. */
export async function createOAuthContext(kernel: Kernel): Promise<OAuthContext> {
  const { config, clock, database, registry } = kernel;
  const clients = new ClientRepository(database.db, config.CLIENT_CACHE_MS, () => clock.now());
  const families = new TokenFamilyRepository(database.db);
  const notifier: RevocationNotifier = config.REDIS_URL
    ? await createRedisNotifier(config.REDIS_URL, {
        deployment: config.ISSUER,
        warn: (message, error) => kernel.log.warn({ err: error }, message),
      })
    : localOnlyNotifier;
  kernel.onClose(() => notifier.close());
  const dpop = await createDpopVerifier(kernel);
  const clientSecrets = kernel.box('client-secrets');
  const clientKeys = new ClientKeys({
    clock,
    cacheMs: config.CLIENT_JWKS_CACHE_SECONDS * 1000,
    refetchMs: config.CLIENT_JWKS_REFETCH_SECONDS * 1000,
    timeoutMs: config.CLIENT_METADATA_TIMEOUT_MS,
    allowLoopback: config.CLIENT_JWKS_ALLOW_LOOPBACK,
  });
  // SQLite: rotations, redemptions and seen jtis of one turn share a commit.
  const group =
    database.dialect === 'sqlite'
      ? new SqliteGroupCommit(database.db, database.sqlite, { checkUnits: kernel.checkGroupCommitUnits })
      : undefined;
  const tokenStore = createTokenStore(database, group ? { group } : {});
  return {
    ...kernel,
    clients,
    clientService: new ClientService(clients, registry, clock, {
      secrets: clientSecrets,
      allowLoopbackJwksUri: config.CLIENT_JWKS_ALLOW_LOOPBACK,
      allowLoopbackBackchannel: allowLoopbackBackchannel(config),
    }),
    families,
    tokenStore,
    revocations: new Revocations(families, clock, config.REVOCATION_CACHE_MS, notifier, (familyId, jti) =>
      tokenStore.read((tx) => tx.families.isTokenRevoked(familyId, jti)),
    ),
    accessTokens: new AccessTokenVerifier(kernel.keys, config.ISSUER, config.ACCESS_TOKEN_CACHE_SIZE),
    sealedResponses: kernel.box('refresh-grace-responses'),
    refreshSuccessors: new RefreshSuccessors(kernel.secretKey),
    personalTokens: new PersonalTokens(database.db, registry, clock),
    grantLifecycle: new GrantLifecycle(),
    dpop,
    clientAuth: {
      issuer: config.ISSUER,
      clients,
      clock,
      clientKeys,
      seenJtis: new SeenJtis(database, group),
      clientSecrets,
    },
  };
}
