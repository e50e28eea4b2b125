import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import type { AccountSection, Accounts, SessionsEndedListener } from '../accounts/index.ts';
import type { Kernel } from '../kernel/kernel.ts';
import type { Purger } from '../kernel/jobs/janitor.ts';
import type { ProductDefinition } from '../kernel/scope-registry.ts';
import type { Csrf } from '../ui/csrf.ts';
import type { Client } from './clients/client.ts';
import { GrantRepository, type Grant } from './consent/grant-repository.ts';
import type { ClientRepository } from './clients/client-repository.ts';
import type { ClientService } from './clients/client-service.ts';
import type { PersonalTokens } from './personal-tokens/personal-tokens.ts';
import { revokeGrant } from './consent/revoke-grant.ts';
import type { ClientDeletedListener, GrantRevokedListener } from './consent/grant-lifecycle.ts';
import { createGrantStatus, type GrantStatus } from './consent/grant-status.ts';
import { deleteClient } from './clients/delete-client.ts';
import { completeInteractionStep, getInteraction } from './authorization/continue-authorization.ts';
import type { Interaction } from './authorization/interaction-repository.ts';
import { coreScopes } from './core-scopes.ts';
import { createOAuthContext } from './oauth-context.ts';
import { connectedAppsSection } from './pages/connected-apps.ts';
import { purgeOAuthData } from './purge.ts';
import { requireToken, type GuardRequirement } from './resource-guard/guard.ts';
import { protectedResourceMetadataRoutes } from './resource-guard/metadata.ts';
import { whoamiResource, whoamiRoutes } from './resource-guard/whoami/whoami.ts';
import { oauthRoutes } from './routes.ts';
import { BackchannelLogout } from './logout/backchannel-logout.ts';
import { purgeLogoutData } from './logout/purge-logout.ts';

/** Finds a registered client (cached briefly; a deleted client is gone at once on this node). */
export interface ClientLookup {
  findById(clientId: string): Promise<Client | undefined>;
}

/** The resource servers' only gate (see resource-guard/guard.ts). */
export interface ResourceGuard {
  requireToken(resourceUri: string, requirement?: GuardRequirement): preHandlerAsyncHookHandler;
  resourceMetadataUrl(resourcePath: string): string;
}

/** What the rest of Consentry may use of the authorization server. */
export interface AuthorizationServer extends ResourceGuard {
  clients: ClientLookup & Pick<ClientRepository, 'list'>;
  /** Deletes a client with everything issued to it; onClientDeleted listeners run before it answers. */
  deleteClient(clientId: string): Promise<boolean>;
  /** Registration rules shared by the console, DCR and the CLI. */
  clientService: ClientService;
  personalTokens: PersonalTokens;
  /** The person's standing consents, one per app, oldest first (products show their part of each on /account). */
  activeGrants(userId: string): Promise<Grant[]>;
  /** A person withdraws an app's access; false when the grant was not theirs or already revoked. */
  revokeGrant(userId: string, grantId: string): Promise<boolean>;
  /** Whether the consent behind a token family still stands. */
  grantStatus: GrantStatus;
  /** Features that keep something alive on a person's consent end it here (scheduling's webhooks). */
  onGrantRevoked(listener: GrantRevokedListener): void;
  onClientDeleted(listener: ClientDeletedListener): void;
  /** Authorizations in progress, for the pages a product shows inside one (InteractionStep). */
  interactions: {
    get(interactionId: string): Promise<Interaction | undefined>;
    /** Marks a product's step done; answers where the browser goes next. */
    completeStep(interactionId: string, step: string): Promise<string>;
  };
  /**
   * Give this to the accounts feature (`onSessionsEnded`): a session ended by a sign-out reaches
   * the clients that authenticated the person in it (Back-Channel Logout).
   */
  sessionsEnded: SessionsEndedListener;
  /** The "Connected apps" block of /account. */
  connectedAppsSection(): AccountSection;
  purger: Purger;
  /** Registers every endpoint: OAuth, discovery, protected-resource metadata and /api/whoami. */
  routes(app: FastifyInstance, deps: { accounts: Accounts; csrf: Csrf }): Promise<void>;
}

/**
 * Builds the authorization server on the kernel: registers the OIDC scopes, the token echo
 * resource and the served products' definitions (in that order), and opens the token stores and the revocation channel (Redis when configured).
 */
export async function createAuthorizationServer(
  kernel: Kernel,
  options: { products: ProductDefinition[] },
): Promise<AuthorizationServer> {
  const { config, registry } = kernel;
  registry.register(coreScopes);
  registry.register(whoamiResource);
  for (const product of options.products) registry.register(product);
  if (config.TOKEN_PROFILE && !registry.profile(config.TOKEN_PROFILE)) {
    throw new Error(
      `TOKEN_PROFILE names no profile of a served resource: ${config.TOKEN_PROFILE} (known: ${registry
        .profiles()
        .map((p) => p.name)
        .join(', ')})`,
    );
  }
  const ctx = await createOAuthContext(kernel);
  const { clients } = ctx;
  const backchannel = new BackchannelLogout(ctx);
  backchannel.register();
  return {
    clients,
    clientService: ctx.clientService,
    personalTokens: ctx.personalTokens,
    requireToken: (resourceUri, requirement) => requireToken(ctx, resourceUri, requirement),
    resourceMetadataUrl: (resourcePath) => `${config.ISSUER}/.well-known/oauth-protected-resource${resourcePath}`,
    activeGrants: (userId) => new GrantRepository(kernel.database.db).listActiveForUser(userId),
    revokeGrant: (userId, grantId) => revokeGrant(ctx, userId, grantId),
    deleteClient: (clientId) => deleteClient(ctx, clientId),
    grantStatus: createGrantStatus(kernel.database.db),
    onGrantRevoked: (listener) => ctx.grantLifecycle.onGrantRevoked(listener),
    onClientDeleted: (listener) => ctx.grantLifecycle.onClientDeleted(listener),
    interactions: {
      get: (interactionId) => getInteraction(ctx, interactionId),
      completeStep: (interactionId, step) => completeInteractionStep(ctx, interactionId, step),
    },
    sessionsEnded: (ended) => backchannel.sessionsEnded(ended),
    connectedAppsSection: () => connectedAppsSection(ctx),
    purger: async (db, now, batchSize) => ({
      ...(await purgeOAuthData(db, now, batchSize)),
      ...(await purgeLogoutData(db, now, batchSize)),
    }),
    routes: async (app, deps) => {
      await app.register(async (scope) => oauthRoutes(scope, { ctx, ...deps }));
      await app.register(async (scope) => protectedResourceMetadataRoutes(scope, ctx));
      await app.register(async (scope) => whoamiRoutes(scope, ctx));
    },
  };
}
